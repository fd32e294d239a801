package web

import (
	"fmt"
	"html/template"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// funcs are the helpers every template may call. They turn codes and
// numbers into what a French agent reads.
func (s *server) funcs() template.FuncMap { return s.funcsFor("fr") }

// funcsFor is funcs in a language: fr, or en for the agents who chose it.
// Texts of the templates go through "t", which is French unless the
// English dictionary (i18n.go) has them.
func (s *server) funcsFor(lang string) template.FuncMap {
	tr := func(v any) string { return asString(v) }
	if lang == "en" {
		tr = func(v any) string { return english(asString(v)) }
	}
	return template.FuncMap{
		"t":              tr,
		"money":          moneyIn(lang),
		"date":           s.date,
		"ago":            func(t time.Time) string { return tr(s.ago(t)) },
		"vatRate":        vatRate,
		"statusLabel":    func(v any) string { return order.Status(asString(v)).Label(lang) },
		"logisticsLabel": func(v any) string { return order.LogisticsStatus(asString(v)).Label(lang) },
		"paymentLabel":   func(v any) string { return order.PaymentMethod(asString(v)).Label(lang) },
		"channelLabel":   func(v any) string { return order.ContactChannel(asString(v)).Label(lang) },
		"refundMethod":   func(v string) string { return tr(refundMethodLabel(v)) },
		"refundStatus":   func(v string) string { return tr(refundStatusLabel(v)) },
		"emailStatus":    func(v string) string { return tr(emailStatusLabel(v)) },
		"actorLabel":     actorLabel,
		"procedureLabel": func(v string) string { return tr(procedureLabel(v)) },
		"runStatus":      func(v string) string { return tr(runStatusLabel(v)) },
		"taskKind":       func(v string) string { return tr(taskKindLabel(v)) },
		"stepStatus":     func(v string) string { return tr(stepStatusLabel(v)) },
		"procedureURL":   procedureURL,
		"fieldError":     fieldErrorOf,
		"cents":          centsInput,
		"dict":           dict,
		"has":            has,
		"jsonText":       jsonText,
		"temporalURL":    s.temporalURL,
		"orderURL":       func(number string) string { return "/orders/" + url.PathEscape(number) },
		"plural":         plural,
		"staticVersion":  staticVersion,
	}
}

// asString reads a code whether it is a string or one of the order
// package's string types (order.Status...), so templates pass either.
func asString(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return fmt.Sprint(v)
}

// moneyIn renders amounts for a language: "1 234,56 €" or "€1,234.56".
func moneyIn(lang string) func(int64, ...string) string {
	if lang != "en" {
		return money
	}
	return func(cents int64, currency ...string) string {
		m := order.EUR(cents)
		if len(currency) > 0 && currency[0] != "" {
			m.Currency = currency[0]
		}
		return m.English()
	}
}

// money renders cents as "1 234,56 €" (the currency defaults to EUR).
func money(cents int64, currency ...string) string {
	m := order.EUR(cents)
	if len(currency) > 0 && currency[0] != "" {
		m.Currency = currency[0]
	}
	return m.French()
}

// date renders an instant as "21/11/2026 14:05", Paris time.
func (s *server) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.paris).Format("02/01/2006 15:04")
}

// ago renders how long ago t was: "à l'instant", "il y a 12 min",
// "il y a 3 h", "il y a 4 j".
func (s *server) ago(t time.Time) string {
	d := s.now().Sub(t)
	switch {
	case d < time.Minute:
		return "à l'instant"
	case d < time.Hour:
		return fmt.Sprintf("il y a %d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("il y a %d h", int(d/time.Hour))
	default:
		return fmt.Sprintf("il y a %d j", int(d/(24*time.Hour)))
	}
}

// vatRate renders basis points as a French percentage: 2000 → "20 %",
// 550 → "5,5 %", 210 → "2,1 %".
func vatRate(bp int64) string {
	whole, frac := bp/100, bp%100
	var s string
	switch {
	case frac == 0:
		s = fmt.Sprintf("%d", whole)
	case frac%10 == 0:
		s = fmt.Sprintf("%d,%d", whole, frac/10)
	default:
		s = fmt.Sprintf("%d,%02d", whole, frac)
	}
	return s + "\u00a0%"
}

// plural picks the singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 || n == -1 || n == 0 {
		return one
	}
	return many
}

var refundStatusLabels = map[string]string{
	store.RefundPending:       "En cours",
	store.RefundSucceeded:     "Effectué",
	store.RefundManualPending: "À faire à la main",
	store.RefundImpossible:    "Impossible",
	store.RefundFailed:        "Échoué",
}

func refundStatusLabel(v string) string { return labelOr(refundStatusLabels, v) }

// refundMethodLabel names how money goes back: a payment method, or one of
// the means an agent chooses when the original one cannot be used.
func refundMethodLabel(v string) string {
	if m := order.PaymentMethod(v); m.Valid() {
		return m.Label("fr")
	}
	return labelOr(map[string]string{"store_credit": "Bon d'achat", "manual": "À la main"}, v)
}

var emailStatusLabels = map[string]string{
	store.EmailPending: "En attente d'envoi",
	store.EmailSent:    "Envoyé",
	store.EmailFailed:  "Échec d'envoi",
}

func emailStatusLabel(v string) string { return labelOr(emailStatusLabels, v) }

var actorLabels = map[string]string{
	store.ActorAgent:     "Agent",
	store.ActorSystem:    "Système",
	store.ActorCustomer:  "Client",
	store.ActorProcedure: "Procédure",
	store.ActorWarehouse: "Entrepôt",
}

// actorLabel says who did something: "Agent marie@boutique.fr", "Système".
func actorLabel(kind, actor string) string {
	l := labelOr(actorLabels, kind)
	if actor == "" || kind == store.ActorProcedure {
		return l // a procedure's id is shown as its own link
	}
	return l + " " + actor
}

var procedureLabels = map[string]string{
	workflows.ProcModifyContent:    "Modification du contenu",
	workflows.ProcCancelRefund:     "Annulation et remboursement",
	workflows.ProcFulfil:           "Expédition",
	workflows.ProcSettleDifference: "Règlement de la différence",
	workflows.ProcMailCheque:       "Envoi du chèque de remboursement",
	workflows.ProcCollectPayment:   "Encaissement du paiement",
	workflows.ProcNotifyNewOrder:   "Avis de nouvelle commande",
	workflows.ProcArchiveOrder:     "Archivage",
	workflows.ProcUnarchiveOrder:   "Désarchivage",
	workflows.ProcResendEmail:      "Renvoi d'un e-mail",
	workflows.ProcEditDetails:      "Modification des informations",
}

// procedureLabel names a procedure for an agent, from its type or from a
// workflow id (whose first part is the type).
func procedureLabel(typeOrID string) string {
	t, _, _ := strings.Cut(typeOrID, "/")
	return labelOr(procedureLabels, t)
}

var runStatusLabels = map[string]string{
	"Running":        "En cours",
	"Completed":      "Terminée",
	"Failed":         "Échouée",
	"Canceled":       "Annulée",
	"Terminated":     "Arrêtée",
	"TimedOut":       "Expirée",
	"ContinuedAsNew": "Poursuivie",
}

func runStatusLabel(v string) string { return labelOr(runStatusLabels, v) }

func labelOr(m map[string]string, v string) string {
	if l, ok := m[v]; ok {
		return l
	}
	return v
}

// temporalURL links a workflow in the Temporal Web UI, or is empty when no
// UI is configured. The workflow id holds slashes: it is one path segment.
func (s *server) temporalURL(workflowID string) string {
	if s.temporalUI == "" || workflowID == "" {
		return ""
	}
	return s.temporalUI + "/namespaces/" + url.PathEscape(s.namespace) + "/workflows/" + url.PathEscape(workflowID)
}
