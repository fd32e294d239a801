package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// The emails of the payment collection procedure. The customer
// ones render Payment; the merchant ones go to the shop's own address.
const (
	// TemplatePaymentInvoice sends the invoice (attached), with its payment
	// link when there is one, or how to pay it otherwise.
	TemplatePaymentInvoice = "payment_invoice"
	// TemplatePaymentReminder reminds the customer that a payment is awaited.
	TemplatePaymentReminder = "payment_reminder"
	// TemplatePaymentConfirmation confirms the payment once it is complete,
	// the paid invoice attached.
	TemplatePaymentConfirmation = "payment_confirmation"
	// TemplatePaymentCancelled tells the customer the unpaid order is cancelled.
	TemplatePaymentCancelled = "payment_cancelled"
	// TemplateMerchantNewOrder tells the shop a new order arrived.
	TemplateMerchantNewOrder = "payment_merchant_new_order"
	// TemplateMerchantPaymentReceived tells the shop a payment arrived.
	TemplateMerchantPaymentReceived = "payment_merchant_received"
)

// Payment is the data of every payment email.
type Payment struct {
	CustomerName  string
	CustomerEmail string
	OrderNumber   string
	ShopName      string
	InvoiceNumber string      // the invoice attached or paid, if any
	Amount        order.Money // the amount the email is about: due, received or paid
	Balance       order.Money // what is still due after a partial payment (zero: nothing)
	Total         order.Money // the order's total
	PaymentLink   string      // where to pay online, if the means allows
	Means         string      // how the customer pays or paid: order.PaymentMethod
	Reference     string      // the payment's reference (cheque number, transfer reference)
	Reason        string      // a balance due: why the total went up
	BalanceDue    bool        // the email is about a balance due on a paid order
	Deadline      time.Time   // a reminder: the day after which the order is cancelled (zero: not said)
	Lines         []order.Line
}

// LineAmount is a line's tax-inclusive amount in the email's currency.
func (p Payment) LineAmount(l order.Line) order.Money {
	return order.Money{Cents: l.Total(), Currency: p.Amount.Currency}
}

func (p Payment) check() error {
	switch {
	case p.OrderNumber == "":
		return order.Refuse("OrderNumber", "refusal.email_order_number_missing")
	case p.Amount.Cents <= 0:
		return order.Refuse("Amount", "refusal.email_payment_amount", locale.Amount(p.Amount.Cents, p.Amount.Currency))
	}
	return nil
}

// Attachment is a file sent with an email: an invoice or credit note PDF.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// AttachmentSender is a Sender that can also send files with an email.
// DevSender and SendGrid are both.
type AttachmentSender interface {
	Sender
	SendWithAttachments(ctx context.Context, e Envelope, atts []Attachment) (providerMessageID string, err error)
}

// SendWithAttachments accepts a well-formed envelope whose attachments all
// have a name and content, like Send.
func (d DevSender) SendWithAttachments(ctx context.Context, e Envelope, atts []Attachment) (string, error) {
	for _, a := range atts {
		if a.Filename == "" || len(a.Data) == 0 {
			return "", fmt.Errorf("mail: envelope %s has an empty attachment %q: %w", e.Key, a.Filename, ErrPermanent)
		}
	}
	return d.Send(ctx, e)
}

// SendWithAttachments posts the email with its files to /v3/mail/send, and
// classifies failures as Send does.
func (s SendGrid) SendWithAttachments(ctx context.Context, e Envelope, atts []Attachment) (string, error) {
	return s.send(ctx, e, atts)
}

var (
	_ AttachmentSender = DevSender{}
	_ AttachmentSender = SendGrid{}
)
