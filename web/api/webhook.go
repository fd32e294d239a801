package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/web/internal/request"
	"github.com/orderdesk/orderdesk/workflows"
)

// WebhookSignatureHeader carries the provider's signature of a webhook,
// over the time it was sent and the body, like Stripe's:
//
//	X-Orderdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// During a rotation of the secret the provider may send one v1 per secret
// ("t=…,v1=…,v1=…"); one that verifies under any active secret is enough.
// A timestamp further than the tolerance from now (5 minutes by default)
// is refused, so a captured event cannot be replayed later.
const WebhookSignatureHeader = "X-Orderdesk-Signature"

// maxWebhookBody bounds what a webhook may send.
const maxWebhookBody = 64 << 10

// SignWebhook is the signature a provider puts in WebhookSignatureHeader
// for a body sent now: the tests sign their events with it.
func SignWebhook(secret string, body []byte) string {
	return SignWebhookAt(secret, time.Now(), body)
}

// SignWebhookAt is the signature of a body sent at t, under each secret
// given (one v1 per secret, as a provider does during a rotation).
func SignWebhookAt(secret string, t time.Time, body []byte, more ...string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	sig := "t=" + ts
	for _, k := range append([]string{secret}, more...) {
		sig += ",v1=" + webhookMAC(k, ts, body)
	}
	return sig
}

// webhookMAC is hex(HMAC-SHA256(secret, ts + "." + body)).
func webhookMAC(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// webhookSignature is a parsed WebhookSignatureHeader.
type webhookSignature struct {
	ts   string
	at   time.Time
	macs []string
}

// parseWebhookSignature reads "t=…,v1=…[,v1=…]"; other schemes are
// ignored (a provider may add them), a missing t or v1 is no signature.
func parseWebhookSignature(h string) (webhookSignature, bool) {
	var sig webhookSignature
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || sig.ts != "" {
				return webhookSignature{}, false
			}
			sig.ts, sig.at = v, time.Unix(n, 0)
		case "v1":
			sig.macs = append(sig.macs, v)
		}
	}
	return sig, sig.ts != "" && len(sig.macs) > 0
}

// verifies says whether one of the signature's v1 is the body's HMAC
// under one of the secrets.
func (sig webhookSignature) verifies(secrets []string, body []byte) bool {
	ok := false
	for _, k := range secrets {
		want := []byte(webhookMAC(k, sig.ts, body))
		for _, got := range sig.macs {
			// Every pair is compared, in constant time, whichever matches.
			if hmac.Equal([]byte(got), want) {
				ok = true
			}
		}
	}
	return ok
}

// paymentReporter gives a collection the payment its provider reports,
// under the secrets the provider signs with.
type paymentReporter interface {
	ReportProviderPayment(ctx context.Context, p starter.ProviderPayment) (workflows.PaymentAck, error)
	// WebhookSecrets are the active secrets, the current one first (two
	// during a rotation); none refuses every webhook.
	WebhookSecrets() []string
	// WebhookTolerance is how far the signed timestamp may be from now.
	WebhookTolerance() time.Duration
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
		writeAPIError(w, apiErrorf(http.StatusBadRequest, "body unreadable or over %d bytes", maxWebhookBody))
		return
	}
	got := r.Header.Get(WebhookSignatureHeader)
	sig, parsed := parseWebhookSignature(got)
	if !parsed || !sig.verifies(s.starter.WebhookSecrets(), body) {
		s.log.Warn("api: payment webhook refused: bad signature", "remote", r.RemoteAddr, "signature", truncate(got, 80), "bytes", len(body))
		writeAPIError(w, &apiError{status: http.StatusUnauthorized, code: "bad_signature", field: WebhookSignatureHeader,
			msg: `signature does not verify: send "` + WebhookSignatureHeader + `: t=<unix seconds>,v1=<hex HMAC-SHA256 of <t>.<body>>" under the webhook secret`})
		return
	}
	// A signature that verifies but was made too long ago (or too far
	// ahead) is a replay or a clock gone wrong: refused, nothing recorded.
	tolerance := s.starter.WebhookTolerance()
	if skew := time.Since(sig.at); skew > tolerance || skew < -tolerance {
		s.log.Warn("api: payment webhook refused: signed timestamp outside the tolerance", "remote", r.RemoteAddr, "signed_at", sig.at, "tolerance", tolerance, "bytes", len(body))
		writeAPIError(w, &apiError{status: http.StatusUnauthorized, code: "stale_signature", field: WebhookSignatureHeader,
			msg:   fmt.Sprintf("the signature's timestamp %s is more than %s from now: a replayed event, or the sender's clock is wrong", sig.at.UTC().Format(time.RFC3339), tolerance),
			extra: map[string]any{"tolerance_seconds": int64(tolerance / time.Second)}})
		return
	}
	var p starter.ProviderPayment
	if !utf8.Valid(body) {
		writeAPIError(w, &apiError{status: http.StatusUnprocessableEntity, code: "refusal.intake_text_utf8", msg: "the body is not valid UTF-8", field: "body"})
		return
	}
	if err := json.Unmarshal(body, &p); err != nil {
		writeAPIError(w, apiErrorf(http.StatusBadRequest, "body is not a payment event: %v", err))
		return
	}
	// A NUL in a signed event is a 422 naming the member, never a 503
	// the provider would retry for ever.
	var fe *order.FieldError
	if err := checkTexts(reflect.ValueOf(p), ""); errors.As(err, &fe) {
		writeAPIError(w, &apiError{status: http.StatusUnprocessableEntity, code: string(fe.Code), msg: fe.Message, field: fe.Field})
		return
	}
	if p.Amount > order.MaxOrderTotal {
		fe = order.Refuse("amount_cents", "refusal.payment_above_max", locale.Amount(p.Amount, "EUR"), locale.Amount(order.MaxOrderTotal, "EUR"))
		writeAPIError(w, &apiError{status: http.StatusUnprocessableEntity, code: string(fe.Code), msg: fe.Message, field: fe.Field})
		return
	}
	// The payment is given to its collection, which may take a step to
	// take it: the update's deadline, not a page's.
	uctx, cancel := request.UpdateContext(r, s.updateTimeout)
	defer cancel()
	ack, err := s.starter.ReportProviderPayment(uctx, p)
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
		code := string(fe.Code)
		if code == "" {
			code = "invalid"
		}
		writeAPIError(w, &apiError{status: http.StatusUnprocessableEntity, code: code, msg: fe.Message, field: fe.Field})
	case err != nil:
		ref := request.NewReference()
		service, _ := request.Unavailable(err)
		s.log.Error("api: payment webhook failed", "ref", ref, "service", string(service), "invoice", p.Invoice, "event", p.EventID, "err", err)
		writeAPIError(w, &apiError{status: http.StatusServiceUnavailable, code: "unavailable", msg: "temporary failure: try again", extra: map[string]any{"reference": ref}})
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
