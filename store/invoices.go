package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"
)

// Seller is the shop's identity as invoices and credit notes print it. It
// comes from configuration and is copied onto every document, so a later
// change of address does not rewrite issued paperwork.
type Seller struct {
	Name      string        `json:"name"`
	Address   order.Address `json:"address"`
	SIRET     string        `json:"siret"`      // 14 digits
	VATNumber string        `json:"vat_number"` // intra-community VAT number, FR + 11 characters
	Email     string        `json:"email,omitempty"`
	Phone     string        `json:"phone,omitempty"`
}

// Check refuses a seller identity a French invoice cannot be issued with,
// naming the missing field.
func (s Seller) Check() error {
	digits := strings.ReplaceAll(s.SIRET, " ", "")
	switch {
	case strings.TrimSpace(s.Name) == "":
		return order.Fieldf("seller.name", "the shop's legal name is needed on an invoice (ORDERDESK_SELLER_NAME)")
	case strings.TrimSpace(s.Address.Line1) == "" || strings.TrimSpace(s.Address.City) == "":
		return order.Fieldf("seller.address", "the shop's address is needed on an invoice (ORDERDESK_SELLER_ADDRESS)")
	case len(digits) != 14 || strings.Trim(digits, "0123456789") != "":
		return order.Fieldf("seller.siret", "the SIRET is 14 digits, got %q (ORDERDESK_SELLER_SIRET)", s.SIRET)
	case strings.TrimSpace(s.VATNumber) == "":
		return order.Fieldf("seller.vat_number", "the VAT number is needed on an invoice (ORDERDESK_SELLER_VAT)")
	}
	return nil
}

// Invoice statuses.
const (
	InvoiceIssued    = "issued" // waiting for its payment
	InvoicePaid      = "paid"
	InvoiceCancelled = "cancelled"
)

// InvoiceLine is one line of an invoice. Amounts are tax-inclusive cents,
// like the order's; the VAT split is on the invoice, per rate.
type InvoiceLine struct {
	SKU         string `json:"sku,omitempty"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitPrice   int64  `json:"unit_price_cents"`
	VATRate     int64  `json:"vat_rate_bp"` // -1: several rates (an order discount)
	Total       int64  `json:"total_cents"`
}

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
var ErrInvoiceExists = errors.New("this content of the order is already invoiced")

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
// gives the number back, so numbers have no gap and no duplicate.
//
// The first invoice of an order covers its lines, discount and shipping,
// with the VAT per rate of the order's totals. When the order was invoiced
// before and its total went up since (a balance due), the new invoice is
// supplementary: it covers, per VAT rate, what the order now costs beyond
// what earlier invoices net of credit notes covered.
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
		if err := req.Seller.Check(); err != nil {
			return err
		}
		if len(o.Lines) == 0 || o.Totals.Total <= 0 {
			return order.Fieldf("invoice", "order %s has nothing to invoice (its total is %s)", o.Number, money(o, o.Totals.Total))
		}
		hash := ContentHash(o)
		earlier, err := all[Invoice](tx.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.order_id = $1 AND i.status <> 'cancelled' ORDER BY i.id`, o.ID))
		if err != nil {
			return err
		}
		for _, inv := range earlier {
			if inv.ContentHash == hash {
				return fmt.Errorf("%w (%w)", order.Fieldf("invoice", "order %s is already invoiced as it stands: invoice %s (%s)", o.Number, inv.Number, money(o, inv.Total)), ErrInvoiceExists)
			}
		}
		inv := Invoice{
			OrderID: o.ID, OrderNumber: o.Number, Key: req.Key, WorkflowID: req.WorkflowID, ContentHash: hash,
			Status: InvoiceIssued, Currency: o.Currency, Seller: req.Seller, Customer: o.Customer, BillingAddress: o.Billing,
		}
		if len(earlier) == 0 {
			inv.Lines, inv.VAT = invoiceLines(o), o.Totals.VAT
		} else {
			credited, err := creditedVAT(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			done := subtractVAT(sumVAT(earlier), credited)
			inv.VAT = subtractVAT(o.Totals.VAT, done)
			inv.Supplementary, inv.Reason = true, req.Reason
			if vatGross(inv.VAT) <= 0 {
				return fmt.Errorf("%w (%w)", order.Fieldf("invoice", "order %s has nothing more to invoice: its total is %s and %s is already invoiced",
					o.Number, money(o, o.Totals.Total), money(o, vatGross(done))), ErrInvoiceExists)
			}
			desc := "Complément de la commande " + o.Number
			if req.Reason != "" {
				desc += " : " + req.Reason
			}
			for _, v := range inv.VAT {
				inv.Lines = append(inv.Lines, InvoiceLine{Description: desc, Quantity: 1, UnitPrice: v.Gross, VATRate: v.Rate, Total: v.Gross})
			}
		}
		for _, v := range inv.VAT {
			inv.Net += v.Net
			inv.VATTotal += v.VAT
			inv.Total += v.Gross
		}
		year, seq, err := nextNumber(ctx, tx, "invoice")
		if err != nil {
			return err
		}
		inv.Year, inv.Seq, inv.Number = year, seq, fmt.Sprintf("F-%d-%06d", year, seq)
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
			return fmt.Errorf("%w (%w)", order.Fieldf("invoice", "order %s is already invoiced as it stands", o.Number), ErrInvoiceExists)
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
	// UpToInvoiced credits at most what the invoices net of earlier credit
	// notes leave, and nothing (ErrNothingToCredit) when they leave
	// nothing: for a step that runs after the money moved, which must not
	// fail on paperwork that earlier credit notes already did.
	UpToInvoiced bool
}

// ErrNothingToCredit is returned by CreateCreditNote with UpToInvoiced when
// the order's invoices are credited in full already.
var ErrNothingToCredit = errors.New("the order's invoices are credited in full already")

// CreateCreditNote issues a credit note (A-YYYY-NNNNNN) for a refund made
// after the order was invoiced. It refers to the order's latest invoice and
// equals the refund; its VAT is split between the rates invoiced in
// proportion to what is left of each (largest remainder, so the shares add
// up to the cent). The same Key returns the credit note it created. It is
// refused, naming the field, when the order has no invoice or when the
// amount is above what its invoices net of earlier credit notes leave.
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
		if err := req.Seller.Check(); err != nil {
			return err
		}
		if req.Amount <= 0 {
			return order.Fieldf("amount", "a credit note must be above 0, got %s", money(o, req.Amount))
		}
		invoices, err := all[Invoice](tx.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`WHERE i.order_id = $1 AND i.status <> 'cancelled' ORDER BY i.id`, o.ID))
		if err != nil {
			return err
		}
		if len(invoices) == 0 {
			return order.Fieldf("invoice", "order %s has no invoice: a refund before invoicing needs no credit note", o.Number)
		}
		credited, err := creditedVAT(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		left := subtractVAT(sumVAT(invoices), credited)
		if req.UpToInvoiced {
			if vatGross(left) <= 0 {
				return ErrNothingToCredit
			}
			req.Amount = min(req.Amount, vatGross(left))
		}
		if req.Amount > vatGross(left) {
			return order.Fieldf("amount", "a credit note of %s is more than the %s invoiced net of earlier credit notes", money(o, req.Amount), money(o, max(vatGross(left), 0)))
		}
		c := CreditNote{
			OrderID: o.ID, InvoiceID: invoices[len(invoices)-1].ID, Key: req.Key, Reason: req.Reason, Currency: o.Currency,
			Seller: req.Seller, Customer: o.Customer, BillingAddress: o.Billing, VAT: SplitVAT(req.Amount, left), Total: req.Amount,
		}
		for _, v := range c.VAT {
			c.Net += v.Net
			c.VATTotal += v.VAT
		}
		year, seq, err := nextNumber(ctx, tx, "credit_note")
		if err != nil {
			return err
		}
		c.Year, c.Seq, c.Number = year, seq, fmt.Sprintf("A-%d-%06d", year, seq)
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
	var out []order.VATLine
	for _, c := range notes {
		out = addVAT(out, c.VAT, 1)
	}
	return out, nil
}

// ContentHash fingerprints what an invoice of the order would cover: its
// lines, discount, shipping and total. The same content gets one invoice.
func ContentHash(o order.Order) string {
	type line struct {
		SKU       string `json:"sku"`
		Name      string `json:"name"`
		UnitPrice int64  `json:"p"`
		Quantity  int64  `json:"q"`
		VATRate   int64  `json:"r"`
	}
	v := struct {
		Lines    []line `json:"lines"`
		Discount int64  `json:"discount"`
		Shipping int64  `json:"shipping"`
		Total    int64  `json:"total"`
	}{Discount: o.Totals.Discount, Shipping: o.Totals.Shipping, Total: o.Totals.Total}
	for _, l := range o.Lines {
		if l.Quantity > 0 {
			v.Lines = append(v.Lines, line{l.SKU, l.Name, l.UnitPrice, l.Quantity, l.VATRate})
		}
	}
	sort.Slice(v.Lines, func(i, j int) bool { return v.Lines[i].SKU < v.Lines[j].SKU })
	b, _ := json.Marshal(v) // plain structs: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// invoiceLines are the lines of the first invoice of an order: its
// products, its discount and its shipping, adding up to its total.
func invoiceLines(o order.Order) []InvoiceLine {
	var out []InvoiceLine
	for _, l := range o.Lines {
		if l.Quantity <= 0 {
			continue
		}
		out = append(out, InvoiceLine{SKU: l.SKU, Description: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice, VATRate: l.VATRate, Total: l.Total()})
	}
	if o.Totals.Discount > 0 {
		desc := "Remise"
		if o.Discount.Code != "" {
			desc += " " + o.Discount.Code
		}
		out = append(out, InvoiceLine{Description: desc, Quantity: 1, UnitPrice: -o.Totals.Discount, VATRate: -1, Total: -o.Totals.Discount})
	}
	if o.Totals.Shipping > 0 {
		desc := "Frais de port"
		if o.ShippingRules.Method != "" {
			desc += " (" + o.ShippingRules.Method + ")"
		}
		out = append(out, InvoiceLine{Description: desc, Quantity: 1, UnitPrice: o.Totals.Shipping, VATRate: o.ShippingRules.VATRate, Total: o.Totals.Shipping})
	}
	return out
}

func sumVAT(invoices []Invoice) []order.VATLine {
	var out []order.VATLine
	for _, inv := range invoices {
		out = addVAT(out, inv.VAT, 1)
	}
	return out
}

func subtractVAT(a, b []order.VATLine) []order.VATLine {
	out := addVAT(nil, a, 1)
	out = addVAT(out, b, -1)
	kept := out[:0]
	for _, v := range out {
		if v.Net != 0 || v.VAT != 0 || v.Gross != 0 {
			kept = append(kept, v)
		}
	}
	return kept
}

// addVAT adds sign × b to a, rate by rate, keeping the rates sorted.
func addVAT(a, b []order.VATLine, sign int64) []order.VATLine {
	byRate := map[int64]order.VATLine{}
	for _, v := range a {
		byRate[v.Rate] = v
	}
	for _, v := range b {
		x := byRate[v.Rate]
		x.Rate = v.Rate
		x.Net += sign * v.Net
		x.VAT += sign * v.VAT
		x.Gross += sign * v.Gross
		byRate[v.Rate] = x
	}
	out := make([]order.VATLine, 0, len(byRate))
	for _, v := range byRate {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rate < out[j].Rate })
	return out
}

func vatGross(vs []order.VATLine) int64 {
	var g int64
	for _, v := range vs {
		g += v.Gross
	}
	return g
}

// SplitVAT shares amount between the rates of basis in proportion to each
// rate's positive gross (largest remainder, so the shares add up to amount
// to the cent), and splits each share into net and VAT: Net + VAT = Gross.
func SplitVAT(amount int64, basis []order.VATLine) []order.VATLine {
	var total int64
	for _, v := range basis {
		total += max(v.Gross, 0)
	}
	if amount <= 0 || total <= 0 {
		return nil
	}
	type rem struct {
		i    int
		rest int64
	}
	shares := make([]int64, len(basis))
	rests := make([]rem, 0, len(basis))
	var given int64
	for i, v := range basis {
		w := max(v.Gross, 0)
		// amount <= total, so the 128-bit quotient fits in 64 bits.
		q, r := mulDiv(min(amount, total), w, total)
		shares[i] = q
		given += q
		rests = append(rests, rem{i, r})
	}
	sort.SliceStable(rests, func(a, b int) bool { return rests[a].rest > rests[b].rest })
	for k := 0; given < amount && k < len(rests); k++ {
		if max(basis[rests[k].i].Gross, 0) == 0 {
			continue
		}
		shares[rests[k].i]++
		given++
	}
	var out []order.VATLine
	for i, v := range basis {
		g := shares[i]
		if g == 0 {
			continue
		}
		net := (g*10000 + (10000+v.Rate)/2) / (10000 + v.Rate)
		out = append(out, order.VATLine{Rate: v.Rate, Net: net, VAT: g - net, Gross: g})
	}
	return out
}

// mulDiv is a*b/c and its remainder, for 0 <= a, b and c > 0, without
// overflowing on the product.
func mulDiv(a, b, c int64) (int64, int64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	return int64(q), int64(r)
}

func money(o order.Order, cents int64) order.Money {
	return order.Money{Cents: cents, Currency: o.Currency}
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

// CurrentInvoice returns the invoice of the order's content as it stands
// now, when there is one (ErrNotFound otherwise).
func (s *Store) CurrentInvoice(ctx context.Context, orderNumber string) (Invoice, error) {
	o, err := s.GetOrder(ctx, orderNumber)
	if err != nil {
		return Invoice{}, err
	}
	inv, err := one[Invoice](s.pool.Query(ctx, `SELECT `+invoiceColumns+invoiceFrom+`
		WHERE i.order_id = $1 AND i.content_hash = $2 AND i.status <> 'cancelled'`, o.ID, ContentHash(o)))
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
		return inv, fmt.Errorf("store.MarkInvoicePaid(%s): %w", number, order.Fieldf("invoice", "invoice %s is %s, it cannot be paid", number, inv.Status))
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
