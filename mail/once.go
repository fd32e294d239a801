package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"strings"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
)

// UncertainError is a send whose outcome is unknown: the request reached
// the provider whole, then no answer came (a timeout, a connection reset
// or closed before the status). The provider may have accepted the email.
// Before trying again, a sender asks the provider (AcceptanceChecker)
// whether it holds the email under its key, and sends again only if not.
type UncertainError struct {
	Key string
	Err error
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("mail: sending %s: no answer after the request was sent, the provider may have accepted it: %v", e.Key, e.Err)
}

func (e *UncertainError) Unwrap() error { return e.Err }

// AcceptanceChecker is a Sender that can say whether it accepted an email,
// by the envelope's Key it was sent under: its message id when it did. An
// error wrapping ErrPermanent means the provider cannot be asked (no
// access to its activity feed): the caller then sends again.
type AcceptanceChecker interface {
	Accepted(ctx context.Context, key string) (providerMessageID string, accepted bool, err error)
}

var _ AcceptanceChecker = SendGrid{}

// wroteTrace returns ctx with a trace that sets *wrote once the whole
// request was written to the connection: a failure after that point may
// have been accepted, one before it was not.
func wroteTrace(ctx context.Context, wrote *bool) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				*wrote = true
			}
		},
	})
}

// ActivityQuery is the Email Activity API's filter on the custom argument
// that carries the outbox key: unique_args['orderdesk_key']="<key>".
func ActivityQuery(key string) string {
	return fmt.Sprintf(`unique_args['%s']="%s"`, CustomArgKey, strings.ReplaceAll(key, `"`, `\"`))
}

// Accepted asks SendGrid's Email Activity API (GET /v3/messages, filtered
// on the custom argument orderdesk_key) whether it holds a message sent
// under key. SendGrid answers 401/403/404 to an account or key without
// Email Activity access: that error wraps ErrPermanent. Note that the
// activity feed may show a message some seconds after it was accepted.
func (s SendGrid) Accepted(ctx context.Context, key string) (string, bool, error) {
	if s.APIKey == "" {
		return "", false, fmt.Errorf("mail.SendGrid.Accepted(%s): no API key configured: %w", key, ErrPermanent)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, sendTimeout)
		defer cancel()
	}
	req := sendgrid.GetRequest(s.APIKey, "/v3/messages", strings.TrimRight(s.baseURL(), "/"))
	req.Method = rest.Get
	req.QueryParams = map[string]string{"query": ActivityQuery(key), "limit": "10"}
	resp, err := sendgrid.MakeRequestWithContext(ctx, req)
	if err != nil {
		return "", false, fmt.Errorf("mail.SendGrid.Accepted(%s): %w", key, err)
	}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusForbidden || code == http.StatusNotFound:
		return "", false, fmt.Errorf("mail.SendGrid.Accepted(%s): HTTP %d: %s: %w", key, code, describe(resp.Body), ErrPermanent)
	case code < 200 || code > 299:
		return "", false, fmt.Errorf("mail.SendGrid.Accepted(%s): HTTP %d: %s", key, code, describe(resp.Body))
	}
	var found struct {
		Messages []struct {
			MsgID  string `json:"msg_id"`
			Status string `json:"status"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &found); err != nil {
		return "", false, fmt.Errorf("mail.SendGrid.Accepted(%s): the answer is not the activity feed's: %w", key, err)
	}
	if len(found.Messages) == 0 {
		return "", false, nil
	}
	// The feed's message id is the X-Message-Id of the send followed by
	// the recipient's part; the first part is what Send returned.
	id, _, _ := strings.Cut(found.Messages[0].MsgID, ".")
	return id, true, nil
}
