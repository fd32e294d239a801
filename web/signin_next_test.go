package web

import "testing"

// nextVariants are addresses that would take a signed-in agent to another
// host, or back to the sign-in page.
var nextVariants = []string{"/\t/host", "//host", "/\\host", "https://host", "/\x09/host", "/%09/host", "/%2F/host", "/%5Chost",
	"///host", "http:/host", "//host/%2e%2e", "/\n/host", "/\r/host", " /host", "\t//host", "/\u00a0/host", "javascript:alert(1)",
	"/signin", "/signin?next=//host", "", "host", "%2F%2Fhost", "/%zz"}

// TestSafeNextKeepsTheAgentOnTheSite: every variant lands on the order
// list; a path of the site is kept as it is.
func TestSafeNextKeepsTheAgentOnTheSite(t *testing.T) {
	t.Parallel()
	for _, next := range nextVariants {
		if got := safeNext(next); got != defaultLanding {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, defaultLanding)
		}
	}
	for _, next := range []string{"/orders/C-2026-000101", "/orders?q=dupont&status=paid", "/procedures/modify-content/C-1/r-1", "/tasks#row-3", "/orders/C%2D1"} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}
