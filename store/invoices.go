package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// Seller is the shop's identity as invoices and credit notes print it; the
// rules of what it must name are the domain's.
type Seller = order.Seller

// Invoice statuses.
const (
	InvoiceIssued    = "issued" // waiting for its payment
	InvoicePaid      = "paid"
	InvoiceCancelled = "cancelled"
)

// InvoiceLine is one line of an invoice, as the domain computes it.
type InvoiceLine = order.InvoiceLine

// Invoice is an invoice (facture) as issued.
type Invoice struct {
	ID             int64           `json:"id"`
	Number         string          `json:"number"` // F-2026-000001
	Year           int             `json:"year"`
	Seq            int64           `json:"seq"`
	OrderID        int64           `json:"order_id"`
	OrderNumber    string          `json:"order_number"`
	Key            string          `json:"key"`
	WorkflowID     string          `json:"workflow_id"`
	ContentHash    string          `json:"content_hash"`
	Supplementary  bool            `json:"supplementary"`
	Reason         string          `json:"reason"`
	Status         string          `json:"status"`
	Currency       string          `json:"currency"`
	Seller         Seller          `json:"seller"`
	Customer       order.Customer  `json:"customer"`
	BillingAddress order.Address   `json:"billing_address"`
	Lines          []InvoiceLine   `json:"lines"`
	VAT            []order.VATLine `json:"vat"`
	Net            int64           `json:"net_cents"`
	VATTotal       int64           `json:"vat_cents"`
	Total          int64           `json:"total_cents"`
	PaymentLink    string          `json:"payment_link"`
	PaidMethod     string          `json:"paid_method"`
	PaidAt         *time.Time      `json:"paid_at,omitempty"`
	IssuedAt       time.Time       `json:"issued_at"`
}

// CreditNote is a credit note (avoir): money given back against an invoice.
type CreditNote struct {
	ID             int64           `json:"id"`
	Number         string          `json:"number"` // A-2026-000001
	Year           int             `json:"year"`
	Seq            int64           `json:"seq"`
	OrderID        int64           `json:"order_id"`
	OrderNumber    string          `json:"order_number"`
	InvoiceID      int64           `json:"invoice_id"`
	InvoiceNumber  string          `json:"invoice_number"`
	Key            string          `json:"key"`
	Reason         string          `json:"reason"`
	Currency       string          `json:"currency"`
	Seller         Seller          `json:"seller"`
	Customer       order.Customer  `json:"customer"`
	BillingAddress order.Address   `json:"billing_address"`
	VAT            []order.VATLine `json:"vat"`
	Net            int64           `json:"net_cents"`
	VATTotal       int64           `json:"vat_cents"`
	Total          int64           `json:"total_cents"`
	IssuedAt       time.Time       `json:"issued_at"`
}

// ErrInvoiceExists is wrapped by the refusal of a second invoice for the
// same content of an order.
var ErrInvoiceExists = order.ErrInvoiceExists

// InvoiceRequest asks for an invoice of an order as it stands.
type InvoiceRequest struct {
	// Key makes the request idempotent: the same key returns the invoice it
	// created (workflow id + step, or the agent's request id).
	Key         string
	OrderNumber string
	WorkflowID  string // the procedure that will collect its payment, if any
	Seller      Seller
	// Reason is printed on a supplementary invoice (balance due after the
	// order's total went up).
	Reason string
}

const invoiceColumns = `i.id, i.number, i.year, i.seq, i.order_id, o.number AS order_number, i.key, i.workflow_id,
	i.content_hash, i.supplementary, i.reason, i.status, i.currency, i.seller, i.customer, i.billing_address,
	i.lines, i.vat, i.net_cents AS net, i.vat_cents AS vat_total, i.total_cents AS total, i.payment_link,
	i.paid_method, i.paid_at, i.issued_at`

const invoiceFrom = ` FROM invoices i JOIN orders o ON o.id = i.order_id `

const creditNoteColumns = `c.id, c.number, c.year, c.seq, c.order_id, o.number AS order_number, c.invoice_id,
	i.number AS invoice_number, c.key, c.reason, c.currency, c.seller, c.customer, c.billing_address, c.vat,
	c.net_cents AS net, c.vat_cents AS vat_total, c.total_cents AS total, c.issued_at`

const creditNoteFrom = ` FROM credit_notes c JOIN orders o ON o.id = c.order_id JOIN invoices i ON i.id = c.invoice_id `

// CreateInvoice issues the invoice of an order as it stands, numbered
// F-YYYY-NNNNNN from the year's counter, in one transaction: a rollback
// gives the number back, so numbers have no gap and no duplicate. What the
// invoice covers (first or supplementary) and its amounts are
// order.DraftInvoice's, from the order, its invoices not cancelled and its
// credit notes; the order's row stays locked meanwhile, so the documents
// of one order are computed one at a time.
//
// The same Key returns the invoice it created. A second invoice for the
// same content is refused with an *order.FieldError on "invoice" that
// wraps ErrInvoiceExists; so is an order with nothing left to invoice.
func (s *Store) CreateInvoice(ctx context.Context, req InvoiceRequest) (Invoice, error) {
	if strings.TrimSpace(req.Key) == "" {
		return Invoice{}, fmt.Errorf("store.CreateInvoice(%s): an invoice needs a key", req.OrderNumber)
	}
	var saved Invoice
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, req.OrderNumber)
		if err != nil {
			return err
		}
		if prev, err := one[Invoice](tx.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.key = $1`, req.Key)); err == nil {
			saved = prev // a retry
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		earlier, err := all[Invoice](tx.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.order_id = $1 AND i.status <> 'cancelled' ORDER BY i.id`, o.ID))
		if err != nil {
			return err
		}
		books := order.Books{Invoices: issued(earlier)}
		if len(earlier) > 0 {
			if books.Credited, err = creditedVAT(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		if books.Returned, err = returnedVAT(ctx, tx, o.ID); err != nil {
			return err
		}
		pos, err := position(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		books.Gestures, books.Billed = pos.Gestures, pos.Billed()
		d, err := order.DraftInvoice(o, req.Seller, books, req.Reason)
		if err != nil {
			return err
		}
		inv := Invoice{
			OrderID: o.ID, OrderNumber: o.Number, Key: req.Key, WorkflowID: req.WorkflowID, ContentHash: d.ContentHash,
			Supplementary: d.Supplementary, Reason: d.Reason, Status: InvoiceIssued, Currency: o.Currency,
			Seller: req.Seller, Customer: o.Customer, BillingAddress: o.Billing,
			Lines: d.Lines, VAT: d.VAT, Net: d.Net, VATTotal: d.VATTotal, Total: d.Total,
		}
		year, seq, err := nextNumber(ctx, tx, "invoice")
		if err != nil {
			return err
		}
		inv.Year, inv.Seq, inv.Number = year, seq, order.InvoiceNumber(year, seq)
		var id int64
		err = tx.QueryRow(ctx, `
			INSERT INTO invoices (number, year, seq, order_id, key, workflow_id, content_hash, supplementary, reason,
				status, currency, seller, customer, billing_address, lines, vat, net_cents, vat_cents, total_cents)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
			RETURNING id`,
			inv.Number, inv.Year, inv.Seq, inv.OrderID, inv.Key, inv.WorkflowID, inv.ContentHash, inv.Supplementary, inv.Reason,
			inv.Status, inv.Currency, inv.Seller, inv.Customer, inv.BillingAddress, inv.Lines, inv.VAT, inv.Net, inv.VATTotal, inv.Total,
		).Scan(&id)
		if isUniqueViolation(err) {
			return fmt.Errorf("%w (%w)", order.Refuse("invoice", "refusal.invoice_already_stands", locale.Text(o.Number)), ErrInvoiceExists)
		}
		if err != nil {
			return err
		}
		saved, err = one[Invoice](tx.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.id = $1`, id))
		return err
	})
	if err != nil {
		return Invoice{}, fmt.Errorf("store.CreateInvoice(%s): %w", req.OrderNumber, err)
	}
	return saved, nil
}

// CreditNoteRequest asks for a credit note against an order's invoice,
// for a refund made after it.
type CreditNoteRequest struct {
	// Key is the refund's idempotency key: one credit note per refund,
	// whatever the retries.
	Key         string
	OrderNumber string
	Amount      int64 // cents, the refund: the credit note equals it
	Reason      string
	Seller      Seller
	// UpToInvoiced is for a step that runs after the money moved, which
	// must not fail on paperwork: it credits at most what the invoices
	// net of earlier credit notes hold beyond what the order bills (the
	// ledger's order.Position.Billed), each rate at most what they leave
	// at it, and nothing (ErrNothingToCredit) when that is nothing
	// (order.CreditBound).
	UpToInvoiced bool
	// Unpaid: the credit note gives up an unpaid invoice; with
	// UpToInvoiced it may take the invoices down to what the customer
	// paid (order.Position.BilledPaid) rather than to what the order
	// bills (order.Position.Billed).
	Unpaid bool
	// Surplus, with UpToInvoiced, credits all the bound allows: what the
	// invoices hold beyond what the order bills (a total that went down
	// before anything was paid back). Amount is not read.
	Surplus bool
	// VAT, when set, is the credit note's split per rate (a return's,
	// order.ReturnCredit) instead of one in proportion to the invoices;
	// its grosses are the amount, and Amount is not read
	// (order.DraftCreditNoteVAT).
	VAT []order.VATLine
}

// ErrNothingToCredit is returned by CreateCreditNote with UpToInvoiced when
// the order's invoices are credited in full already.
var ErrNothingToCredit = order.ErrNothingToCredit

// CreateCreditNote issues a credit note (A-YYYY-NNNNNN) for a refund made
// after the order was invoiced, in one transaction like CreateInvoice. Its
// amounts and the invoice it refers to are order.DraftCreditNote's: it
// equals the refund, its VAT split between the rates invoiced in
// proportion to what is left of each (or, with req.VAT, as it says:
// order.DraftCreditNoteVAT). The same Key returns the credit note it
// created. It is refused, naming the field, when the order has no
// invoice or when the amount is above what its invoices net of earlier
// credit notes leave.
func (s *Store) CreateCreditNote(ctx context.Context, req CreditNoteRequest) (CreditNote, error) {
	if strings.TrimSpace(req.Key) == "" {
		return CreditNote{}, fmt.Errorf("store.CreateCreditNote(%s): a credit note needs a key (the refund's idempotency key)", req.OrderNumber)
	}
	var saved CreditNote
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, req.OrderNumber)
		if err != nil {
			return err
		}
		if prev, err := one[CreditNote](tx.Query(ctx, `SELECT `+creditNoteColumns+creditNoteFrom+`WHERE c.key = $1`, req.Key)); err == nil {
			saved = prev
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		invoices, err := all[Invoice](tx.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.order_id = $1 AND i.status <> 'cancelled' ORDER BY i.id`, o.ID))
		if err != nil {
			return err
		}
		credited, err := creditedVAT(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		bound := order.CreditBound{UpToInvoiced: req.UpToInvoiced}
		if req.UpToInvoiced {
			pos, err := position(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			bound.Billed = pos.Billed()
			if req.Unpaid {
				bound.Billed = pos.BilledPaid()
			}
		}
		if req.Surplus {
			req.Amount = order.VATGross(order.CreditableVAT(issued(invoices), credited))
		}
		var d order.CreditNoteDraft
		if len(req.VAT) > 0 {
			d, err = order.DraftCreditNoteVAT(o, req.Seller, req.VAT, issued(invoices), credited, bound)
		} else {
			d, err = order.DraftCreditNote(o, req.Seller, req.Amount, issued(invoices), credited, bound)
		}
		if err != nil {
			return err
		}
		c := CreditNote{
			OrderID: o.ID, InvoiceID: d.InvoiceID, Key: req.Key, Reason: req.Reason, Currency: o.Currency,
			Seller: req.Seller, Customer: o.Customer, BillingAddress: o.Billing,
			VAT: d.VAT, Net: d.Net, VATTotal: d.VATTotal, Total: d.Total,
		}
		year, seq, err := nextNumber(ctx, tx, "credit_note")
		if err != nil {
			return err
		}
		c.Year, c.Seq, c.Number = year, seq, order.CreditNoteNumber(year, seq)
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO credit_notes (number, year, seq, order_id, invoice_id, key, reason, currency, seller, customer,
				billing_address, vat, net_cents, vat_cents, total_cents)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			RETURNING id`,
			c.Number, c.Year, c.Seq, c.OrderID, c.InvoiceID, c.Key, c.Reason, c.Currency, c.Seller, c.Customer,
			c.BillingAddress, c.VAT, c.Net, c.VATTotal, c.Total).Scan(&id); err != nil {
			return err
		}
		saved, err = one[CreditNote](tx.Query(ctx, `SELECT `+creditNoteColumns+creditNoteFrom+`WHERE c.id = $1`, id))
		return err
	})
	if err != nil {
		return CreditNote{}, fmt.Errorf("store.CreateCreditNote(%s): %w", req.OrderNumber, err)
	}
	return saved, nil
}

// returnedVAT is what the items that came back in an order's returns are
// worth, per VAT rate: the split of each return whose worth the ledger
// holds (goods_returned), as its settlement recorded it.
func returnedVAT(ctx context.Context, tx pgx.Tx, orderID int64) ([]order.VATLine, error) {
	splits, err := all[struct{ VAT []order.VATLine }](tx.Query(ctx, `
		SELECT coalesce(r.settlement->'credit_vat', '[]'::jsonb) AS vat FROM returns r
		WHERE r.order_id = $1 AND EXISTS (
			SELECT 1 FROM ledger_entries e WHERE e.order_id = r.order_id AND e.kind = $2 AND e.ref = r.number)`,
		orderID, order.EntryReturned))
	if err != nil {
		return nil, err
	}
	var out []order.VATLine
	for _, v := range splits {
		out = order.SumVAT(out, v.VAT)
	}
	return out, nil
}

// nextNumber takes the next number of a kind of document for the current
// year (Europe/Paris). The counter row stays locked until the caller's
// transaction ends: concurrent documents wait for it, and a rollback gives
// the number back.
func nextNumber(ctx context.Context, tx pgx.Tx, kind string) (year int, seq int64, err error) {
	err = tx.QueryRow(ctx, `
		INSERT INTO document_counters (kind, year, last_seq)
		VALUES ($1, extract(year FROM now() AT TIME ZONE 'Europe/Paris')::int, 1)
		ON CONFLICT (kind, year) DO UPDATE SET last_seq = document_counters.last_seq + 1
		RETURNING year, last_seq`, kind).Scan(&year, &seq)
	return year, seq, err
}

// lockOrder reads an order with its row locked until the transaction ends,
// so the documents of one order are issued one at a time.
func lockOrder(ctx context.Context, tx pgx.Tx, number string) (order.Order, error) {
	if _, err := one[struct{ ID int64 }](tx.Query(ctx, `SELECT id FROM orders WHERE number = $1 FOR UPDATE`, number)); err != nil {
		return order.Order{}, err
	}
	return loadOrder(ctx, tx, `number = $1`, number)
}

func creditedVAT(ctx context.Context, tx pgx.Tx, orderID int64) ([]order.VATLine, error) {
	notes, err := all[CreditNote](tx.Query(ctx, `SELECT `+creditNoteColumns+creditNoteFrom+`WHERE c.order_id = $1`, orderID))
	if err != nil {
		return nil, err
	}
	splits := make([][]order.VATLine, len(notes))
	for i, c := range notes {
		splits[i] = c.VAT
	}
	return order.SumVAT(splits...), nil
}

// issued is what the domain needs of the invoices of an order.
func issued(invoices []Invoice) []order.IssuedInvoice {
	out := make([]order.IssuedInvoice, len(invoices))
	for i, inv := range invoices {
		out[i] = order.IssuedInvoice{ID: inv.ID, Number: inv.Number, ContentHash: inv.ContentHash, VAT: inv.VAT, Total: inv.Total}
	}
	return out
}

// SplitVAT is order.SplitVAT: how an amount credited against invoices is
// shared between their VAT rates.
func SplitVAT(amount int64, basis []order.VATLine) []order.VATLine {
	return order.SplitVAT(amount, basis)
}

// GetInvoice returns the invoice with this number.
func (s *Store) GetInvoice(ctx context.Context, number string) (Invoice, error) {
	inv, err := one[Invoice](s.pool.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.number = $1`, number))
	if err != nil {
		return Invoice{}, fmt.Errorf("store.GetInvoice(%s): %w", number, err)
	}
	return inv, nil
}

// InvoiceByKey returns the invoice created under key.
func (s *Store) InvoiceByKey(ctx context.Context, key string) (Invoice, error) {
	inv, err := one[Invoice](s.pool.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.key = $1`, key))
	if err != nil {
		return Invoice{}, fmt.Errorf("store.InvoiceByKey(%s): %w", key, err)
	}
	return inv, nil
}

// Invoiced reports whether the order has an invoice that is not
// cancelled, whatever content it was issued for.
func (s *Store) Invoiced(ctx context.Context, orderNumber string) (bool, error) {
	var invoiced bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM invoices i JOIN orders o ON o.id = i.order_id
		WHERE o.number = $1 AND i.status <> 'cancelled')`, orderNumber).Scan(&invoiced); err != nil {
		return false, fmt.Errorf("store.Invoiced(%s): %w", orderNumber, unavailable(err))
	}
	return invoiced, nil
}

// CurrentInvoice returns the invoice of the order's content as it stands
// now, when there is one (ErrNotFound otherwise).
func (s *Store) CurrentInvoice(ctx context.Context, orderNumber string) (Invoice, error) {
	// Most orders a procedure changes have no invoice yet: one look says so.
	invoiced, err := s.Invoiced(ctx, orderNumber)
	if err != nil {
		return Invoice{}, err
	}
	if !invoiced {
		return Invoice{}, fmt.Errorf("store.CurrentInvoice(%s): %w", orderNumber, ErrNotFound)
	}
	o, err := s.GetOrder(ctx, orderNumber)
	if err != nil {
		return Invoice{}, err
	}
	inv, err := one[Invoice](s.pool.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`
		WHERE i.order_id = $1 AND i.content_hash = $2 AND i.status <> 'cancelled'`, o.ID, order.InvoiceContentHash(o)))
	if err != nil {
		return Invoice{}, fmt.Errorf("store.CurrentInvoice(%s): %w", orderNumber, err)
	}
	return inv, nil
}

// ListInvoices returns the invoices of an order, oldest first.
func (s *Store) ListInvoices(ctx context.Context, orderID int64) ([]Invoice, error) {
	invs, err := all[Invoice](s.pool.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.order_id = $1 ORDER BY i.id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListInvoices(%d): %w", orderID, err)
	}
	return invs, nil
}

// ListAllInvoices returns the latest invoices of every order, newest first.
func (s *Store) ListAllInvoices(ctx context.Context, limit int) ([]Invoice, error) {
	invs, err := all[Invoice](s.pool.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`ORDER BY i.year DESC, i.seq DESC LIMIT $1`, pageSize(limit)))
	if err != nil {
		return nil, fmt.Errorf("store.ListAllInvoices: %w", err)
	}
	return invs, nil
}

// MarkInvoicePaid records that an invoice is paid, by which means and
// when. Marking it again keeps the first payment's details.
func (s *Store) MarkInvoicePaid(ctx context.Context, number string, method order.PaymentMethod, paidAt time.Time) (Invoice, error) {
	tag, err := s.pool.Exec(ctx, `
		UPDATE invoices SET status = 'paid', paid_method = $2, paid_at = $3
		WHERE number = $1 AND status = 'issued'`, number, string(method), paidAt)
	if err != nil {
		return Invoice{}, fmt.Errorf("store.MarkInvoicePaid(%s): %w", number, err)
	}
	inv, err := s.GetInvoice(ctx, number)
	if err != nil {
		return Invoice{}, fmt.Errorf("store.MarkInvoicePaid(%s): %w", number, err)
	}
	if tag.RowsAffected() == 0 && inv.Status != InvoicePaid {
		return inv, fmt.Errorf("store.MarkInvoicePaid(%s): %w", number, order.Refuse("invoice", "refusal.invoice_not_payable", locale.Text(number), locale.Text(string(inv.Status))))
	}
	return inv, nil
}

// SetInvoicePaymentLink records the link the customer pays the invoice at.
func (s *Store) SetInvoicePaymentLink(ctx context.Context, number, link string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE invoices SET payment_link = $2 WHERE number = $1`, number, link)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store.SetInvoicePaymentLink(%s): %w", number, err)
	}
	return nil
}

// GetCreditNote returns the credit note with this number.
func (s *Store) GetCreditNote(ctx context.Context, number string) (CreditNote, error) {
	c, err := one[CreditNote](s.pool.Query(ctx, `SELECT `+creditNoteColumns+creditNoteFrom+`WHERE c.number = $1`, number))
	if err != nil {
		return CreditNote{}, fmt.Errorf("store.GetCreditNote(%s): %w", number, err)
	}
	return c, nil
}

// ListCreditNotes returns the credit notes of an order, oldest first.
func (s *Store) ListCreditNotes(ctx context.Context, orderID int64) ([]CreditNote, error) {
	cs, err := all[CreditNote](s.pool.Query(ctx, `SELECT `+creditNoteColumns+creditNoteFrom+`WHERE c.order_id = $1 ORDER BY c.id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListCreditNotes(%d): %w", orderID, err)
	}
	return cs, nil
}

// Attachment names a document attached to an outbox email; the PDF is
// rendered from the document when the email is sent.
type Attachment struct {
	Kind   string `json:"kind"`   // AttachInvoice or AttachCreditNote
	Number string `json:"number"` // the document's number
}

// Kinds of attachments.
const (
	AttachInvoice    = "invoice"
	AttachCreditNote = "credit_note"
)

// SetEmailAttachments records the documents attached to an outbox email.
// Setting them again to the same list changes nothing.
func (s *Store) SetEmailAttachments(ctx context.Context, emailID int64, atts []Attachment) error {
	if atts == nil {
		atts = []Attachment{}
	}
	tag, err := s.pool.Exec(ctx, `UPDATE outbox SET attachments = $2 WHERE id = $1`, emailID, atts)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store.SetEmailAttachments(%d): %w", emailID, err)
	}
	return nil
}

// EmailAttachments returns the documents attached to an outbox email.
func (s *Store) EmailAttachments(ctx context.Context, emailID int64) ([]Attachment, error) {
	var atts []Attachment
	err := s.pool.QueryRow(ctx, `SELECT attachments FROM outbox WHERE id = $1`, emailID).Scan(&atts)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store.EmailAttachments(%d): %w", emailID, err)
	}
	return atts, nil
}
