"""Issue 15 item 1: the browsable API docs (Swagger UI, served from drf-spectacular-sidecar)
render under the site's Content-Security-Policy, with no violation: the operations list shows
and the browser reports no refused style or script."""

from playwright.sync_api import expect

from tests.e2e.conftest import log_in

# Registered before any script of the page runs: each refused load or inline block is kept.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') +
    ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def test_swagger_ui_renders_the_operations_with_no_csp_violation(page, live_server, oncologist):
    console = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(COLLECT_VIOLATIONS)
    log_in(page, live_server, oncologist.username)
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # An operation of /api/v1/patients/ is listed (Swagger UI built it from the schema).
    operation = page.locator(".opblock-get .opblock-summary-path", has_text="/api/v1/patients/")
    expect(operation.first).to_be_visible()
    expect(page.locator(".opblock")).not_to_have_count(0)
    # Swagger UI's own stylesheet applied (the sidecar's CSS loaded under style-src 'self').
    assert page.locator(".swagger-ui .info .title").evaluate(
        "el => getComputedStyle(el).fontFamily"
    ) not in ("", "Times New Roman")
    # The page's own box-sizing rule applied from a served file, not a refused inline block.
    assert page.evaluate("() => getComputedStyle(document.body).margin") == "0px"
    violations = page.evaluate("() => window.__cspViolations")
    assert violations == [] and console == [], (violations, console)
