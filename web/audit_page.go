package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/store"
)

// auditKindKeys are the labels of the audit log's kinds.
var auditKindKeys = map[string]locale.Key{
	store.AuditSignIn:          "audit.kind.signin",
	store.AuditSignInFailed:    "audit.kind.signin_failed",
	store.AuditSignInThrottled: "audit.kind.signin_throttled",
	store.AuditSignOut:         "audit.kind.signout",
	store.AuditSignOutAll:      "audit.kind.signout_all",
	store.AuditApproval:        "audit.kind.approval",
	store.AuditRoleChanged:     "audit.kind.role_changed",
	store.AuditDisabled:        "audit.kind.agent_disabled",
	store.AuditEnabled:         "audit.kind.agent_enabled",
	store.AuditPasswordChanged: "audit.kind.password_changed",
}

// auditWhyKeys say why a sign-in was refused (the detail of its line).
var auditWhyKeys = map[string]locale.Key{
	"wrong_password":  "audit.why.wrong_password",
	"unknown_account": "audit.why.unknown_account",
	"disabled":        "audit.why.disabled",
}

// auditRow is a line of the audit page, said in the reader's language.
type auditRow struct {
	ID                              int64
	When, Kind, Email, Actor, Where string
	Detail                          string
	Failed                          bool
}

type auditData struct {
	Layout
	Filter string // the account's email, "" for every account
	Rows   []auditRow
	Limit  int
}

// auditPage is GET /admin/audit: the audit log, newest first, for admins
// only; ?agent=EMAIL keeps one account's lines.
func (s *server) auditPage(w http.ResponseWriter, r *http.Request) error {
	a := agentOf(r)
	if !a.Administers() {
		return &pageError{status: http.StatusForbidden, title: locale.Msg("audit.forbidden"), message: locale.Msg("audit.forbidden_message")}
	}
	d := auditData{Filter: strings.TrimSpace(r.URL.Query().Get("agent")), Limit: 200}
	lines, err := s.store.ListAudit(r.Context(), store.AuditFilter{Email: d.Filter, Limit: d.Limit})
	if err != nil {
		return err
	}
	p := s.printer(a.Locale)
	for _, l := range lines {
		row := auditRow{ID: l.ID, When: p.Date(l.At), Kind: label(p, auditKindKeys, l.Kind), Email: l.Email, Actor: l.Actor, Where: l.Address, Detail: l.Detail}
		switch l.Kind {
		case store.AuditSignInFailed:
			row.Detail, row.Failed = label(p, auditWhyKeys, l.Detail), true
		case store.AuditSignInThrottled:
			row.Failed = true
		case store.AuditSignOutAll:
			n, _ := strconv.Atoi(l.Detail)
			row.Detail = p.T("audit.sessions_ended", locale.Count(n))
		}
		d.Rows = append(d.Rows, row)
	}
	d.Layout = Layout{Title: p.T("audit.title"), Nav: "audit"}
	return s.render(w, http.StatusOK, "audit", d)
}
