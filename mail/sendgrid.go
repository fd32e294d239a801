package mail

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	sgmail "github.com/sendgrid/sendgrid-go/helpers/mail"
)

// CustomArgKey is the SendGrid custom argument that carries the outbox key,
// so the event webhook and SendGrid's activity feed lead back to the outbox
// row (and a duplicate sent after a lost response can be recognised).
const CustomArgKey = "orderdesk_key"

// sendTimeout bounds a send when the caller's context has no deadline.
const sendTimeout = 30 * time.Second

// SendGrid sends through SendGrid's v3 mail send API.
type SendGrid struct {
	APIKey    string
	BaseURL   string // https://api.sendgrid.com in production (the default when empty); an httptest URL in tests
	FromEmail string
	FromName  string
}

// Send posts the email to /v3/mail/send and returns SendGrid's message id
// (the X-Message-Id header). A 4xx other than 429 is permanent (the error
// wraps ErrPermanent); 429, 5xx and network failures are temporary, and a
// failure after the whole request was written (its answer lost) is an
// *UncertainError: ask Accepted before sending again.
func (s SendGrid) Send(ctx context.Context, e Envelope) (string, error) {
	return s.send(ctx, e, nil)
}

// send is Send with files attached (invoice and credit note PDFs).
func (s SendGrid) send(ctx context.Context, e Envelope, atts []Attachment) (string, error) {
	if err := e.check(); err != nil {
		return "", err
	}
	if s.APIKey == "" || s.FromEmail == "" {
		return "", fmt.Errorf("mail.SendGrid.Send(%s): no API key or sender address configured: %w", e.Key, ErrPermanent)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, sendTimeout)
		defer cancel()
	}

	m := sgmail.NewV3Mail()
	m.SetFrom(sgmail.NewEmail(s.FromName, s.FromEmail))
	m.Subject = e.Subject
	p := sgmail.NewPersonalization()
	p.AddTos(sgmail.NewEmail(e.ToName, e.ToEmail))
	m.AddPersonalizations(p)
	// SendGrid wants text/plain before text/html.
	if e.Text != "" {
		m.AddContent(sgmail.NewContent("text/plain", e.Text))
	}
	if e.HTML != "" {
		m.AddContent(sgmail.NewContent("text/html", e.HTML))
	}
	for _, a := range atts {
		att := sgmail.NewAttachment()
		att.SetFilename(a.Filename)
		att.SetType(a.ContentType)
		att.SetDisposition("attachment")
		att.SetContent(base64.StdEncoding.EncodeToString(a.Data))
		m.AddAttachment(att)
	}
	m.SetCustomArg(CustomArgKey, e.Key)

	req := sendgrid.GetRequest(s.APIKey, "/v3/mail/send", strings.TrimRight(s.baseURL(), "/"))
	req.Method = rest.Post
	req.Body = sgmail.GetRequestBody(m)
	wrote := false
	resp, err := sendgrid.MakeRequestWithContext(wroteTrace(ctx, &wrote), req)
	if err != nil {
		if wrote {
			// SendGrid got the whole request and its answer was lost: it
			// may hold the email (UncertainError).
			return "", &UncertainError{Key: e.Key, Err: fmt.Errorf("mail.SendGrid.Send(%s): %w", e.Key, err)}
		}
		return "", fmt.Errorf("mail.SendGrid.Send(%s): %w", e.Key, err)
	}
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return http.Header(resp.Headers).Get("X-Message-Id"), nil
	}
	err = fmt.Errorf("mail.SendGrid.Send(%s): HTTP %d: %s", e.Key, code, describe(resp.Body))
	if code >= 400 && code < 500 && code != http.StatusTooManyRequests {
		return "", fmt.Errorf("%w: %w", err, ErrPermanent)
	}
	return "", err
}

// baseURL is BaseURL, or SendGrid's when empty.
func (s SendGrid) baseURL() string {
	if s.BaseURL == "" {
		return "https://api.sendgrid.com"
	}
	return s.BaseURL
}

// describe turns SendGrid's error body ({"errors":[{"field","message"}]})
// into one line for the outbox and the logs.
func describe(body string) string {
	var v struct {
		Errors []struct {
			Field   *string `json:"field"`
			Message string  `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &v) == nil && len(v.Errors) > 0 {
		parts := make([]string, len(v.Errors))
		for i, e := range v.Errors {
			parts[i] = e.Message
			if e.Field != nil && *e.Field != "" {
				parts[i] = *e.Field + ": " + e.Message
			}
		}
		return strings.Join(parts, "; ")
	}
	body = strings.TrimSpace(body)
	if len(body) > 200 {
		body = body[:200] + "…"
	}
	if body == "" {
		return "no details"
	}
	return body
}
