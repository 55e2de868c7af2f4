"""The REST API under /api/v1/ (issue 15 item 1): Django REST framework views over the selectors
(reads) and the services (writes), with the web roles' permissions and the pages' audit rows."""
