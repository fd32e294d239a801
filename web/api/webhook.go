package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/web/internal/request"
	"github.com/orderdesk/orderdesk/workflows"
)

// WebhookSignatureHeader carries the provider's signature of a webhook:
// "sha256=" + hex(HMAC-SHA256(secret, body)).
const WebhookSignatureHeader = "X-Orderdesk-Signature"

// maxWebhookBody bounds what a webhook may send.
const maxWebhookBody = 64 << 10

// SignWebhook is the signature a provider puts in WebhookSignatureHeader:
// the webhook checks what it receives against it, and the tests sign their
// events with it.
func SignWebhook(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// paymentReporter gives a collection the payment its provider reports,
// under the secret the provider signs with.
type paymentReporter interface {
	ReportProviderPayment(ctx context.Context, p starter.ProviderPayment) (workflows.PaymentAck, error)
	WebhookSecret() string
}

// paymentWebhook is POST /webhooks/payments: the payment provider reports
// that an invoice's payment link was paid (« Lorsque le client
// aura fait son paiement… »). The body is a starter.ProviderPayment in
// JSON. A signature that does not verify is logged and answered 401, and
// nothing changes. A repeated event is answered 200 and recorded once. A
// signed payment is never lost nor answered 5xx for what it says (the
// provider would retry it forever): one that no running collection takes
// (paid already, too late) is recorded on its order for an agent and
// answered 202 "unmatched"; one for an invoice nobody knows is logged and
// answered 202 "unknown_invoice", nothing recorded. Only a failure of ours
// (database, Temporal) is answered 503, for the provider to try again.
func (s *server) paymentWebhook(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil || len(body) > maxWebhookBody {
		reply(http.StatusBadRequest, map[string]any{"error": "body unreadable or too large"})
		return
	}
	secret := s.starter.WebhookSecret()
	got := r.Header.Get(WebhookSignatureHeader)
	if secret == "" || !hmac.Equal([]byte(got), []byte(SignWebhook(secret, body))) {
		s.log.Warn("api: payment webhook refused: bad signature", "remote", r.RemoteAddr, "signature", truncate(got, 80), "bytes", len(body))
		reply(http.StatusUnauthorized, map[string]any{"error": "signature does not verify"})
		return
	}
	var p starter.ProviderPayment
	if err := json.Unmarshal(body, &p); err != nil {
		reply(http.StatusBadRequest, map[string]any{"error": "body is not a payment event: " + err.Error()})
		return
	}
	// The payment is given to its collection, which may take a step to
	// take it: the update's deadline, not a page's.
	uctx, cancel := request.UpdateContext(r, s.updateTimeout)
	defer cancel()
	ack, err := s.starter.ReportProviderPayment(uctx, p)
	var fe *order.FieldError
	var unmatched *starter.UnmatchedPaymentError
	switch {
	case errors.Is(err, starter.ErrDuplicatePayment):
		reply(http.StatusOK, map[string]any{"status": "duplicate"})
	case errors.As(err, &unmatched):
		s.log.Warn("api: payment webhook taken by no running collection: recorded for an agent",
			"invoice", p.Invoice, "event", p.EventID, "order", unmatched.OrderNumber, "task", unmatched.TaskID)
		reply(http.StatusAccepted, map[string]any{"status": "unmatched", "order": unmatched.OrderNumber, "task": unmatched.TaskID,
			"message": "no running collection awaited this payment: it is recorded on the order and an agent will handle it"})
	case errors.Is(err, starter.ErrUnknownInvoice):
		s.log.Warn("api: payment webhook for an unknown invoice: nothing recorded", "invoice", p.Invoice, "event", p.EventID, "amount_cents", p.Amount, "reference", p.Reference)
		reply(http.StatusAccepted, map[string]any{"status": "unknown_invoice", "message": err.Error()})
	case errors.As(err, &fe):
		reply(http.StatusUnprocessableEntity, map[string]any{"error": fe.Error(), "field": fe.Field})
	case err != nil:
		ref := request.NewReference()
		service, _ := request.Unavailable(err)
		s.log.Error("api: payment webhook failed", "ref", ref, "service", string(service), "invoice", p.Invoice, "event", p.EventID, "err", err)
		reply(http.StatusServiceUnavailable, map[string]any{"error": "temporary failure: try again", "reference": ref})
	default:
		reply(http.StatusOK, map[string]any{"status": "recorded", "received_cents": ack.Received, "balance_cents": ack.Balance, "overpaid_cents": ack.Overpaid})
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.Clone(s[:n]) + "…"
}
