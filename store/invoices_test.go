package store_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

var seller = store.Seller{
	Name:      "Boutique du Vieux Lyon SARL",
	Address:   order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
	SIRET:     "123 456 789 00012",
	VATNumber: "FR32123456789",
}

func thisYear() int {
	paris, _ := time.LoadLocation("Europe/Paris")
	return time.Now().In(paris).Year()
}

// TestInvoiceNumbersHaveNoGapUnderConcurrency is gap-free numbering under load: 20
// goroutines create 200 invoices at once and the numbers are 1..200 of the
// year, each once.
func TestInvoiceNumbersHaveNoGapUnderConcurrency(t *testing.T) {
	s := devstacktest.NewStore(t)
	const workers, each = 20, 10
	numbers := make([]string, 0, workers*each)
	for i := range workers * each {
		insert(t, s, newOrder(fmt.Sprintf("C-2026-%06d", 5000+i), mug, ebook))
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range each {
				n := 5000 + w*each + k
				inv, err := s.CreateInvoice(ctx(t), store.InvoiceRequest{
					Key: fmt.Sprintf("collect-payment/C-2026-%06d/r1/invoice", n), OrderNumber: fmt.Sprintf("C-2026-%06d", n), Seller: seller,
				})
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					numbers = append(numbers, inv.Number)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d invoices failed, first: %v", len(errs), errs[0])
	}
	sort.Strings(numbers)
	for i, n := range numbers {
		if want := fmt.Sprintf("F-%d-%06d", thisYear(), i+1); n != want {
			t.Fatalf("invoice #%d is numbered %s, want %s (numbers: %v)", i+1, n, want, numbers)
		}
	}
	if len(numbers) != workers*each {
		t.Fatalf("%d invoices, want %d", len(numbers), workers*each)
	}
}

func TestInvoiceMatchesTheOrderToTheCentAndIsIssuedOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := newOrder("C-2026-000400", mug, ebook) // 25,80 € + 9,90 € (5,5 %) + 6,90 € shipping
	o.Discount = order.Discount{Kind: order.DiscountPercent, Code: "BIENVENUE", Percent: 1000}
	o.Totals = order.Reprice(o)
	o = insert(t, s, o)
	req := store.InvoiceRequest{Key: "collect-payment/C-2026-000400/r1/invoice", OrderNumber: o.Number, Seller: seller}

	inv, err := s.CreateInvoice(ctx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inv.Number, fmt.Sprintf("F-%d-", thisYear())) || inv.Status != store.InvoiceIssued || inv.Supplementary {
		t.Errorf("invoice = %s %s supplementary=%v", inv.Number, inv.Status, inv.Supplementary)
	}
	if inv.Total != o.Totals.Total || inv.Net+inv.VATTotal != inv.Total {
		t.Errorf("invoice totals %d + %d = %d, order total %d", inv.Net, inv.VATTotal, inv.Total, o.Totals.Total)
	}
	var lines int64
	for _, l := range inv.Lines {
		lines += l.Total
	}
	if lines != o.Totals.Total {
		t.Errorf("lines add up to %d, want the order's %d: %+v", lines, o.Totals.Total, inv.Lines)
	}
	for i, v := range inv.VAT {
		if v != o.Totals.VAT[i] || v.Net+v.VAT != v.Gross {
			t.Errorf("VAT line %d = %+v, order's %+v", i, v, o.Totals.VAT[i])
		}
	}
	if inv.Seller.SIRET != seller.SIRET || inv.Customer.Email != o.Customer.Email || inv.BillingAddress.City != "Lyon" {
		t.Errorf("identities on the invoice: %+v / %+v", inv.Seller, inv.Customer)
	}

	// A retry finds its invoice.
	again, err := s.CreateInvoice(ctx(t), req)
	if err != nil || again.Number != inv.Number {
		t.Fatalf("retry = %s, %v; want %s", again.Number, err, inv.Number)
	}
	// A second invoice for the same content is refused, naming the field.
	_, err = s.CreateInvoice(ctx(t), store.InvoiceRequest{Key: "web/other-click", OrderNumber: o.Number, Seller: seller})
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "invoice" || !errors.Is(err, store.ErrInvoiceExists) || !strings.Contains(err.Error(), inv.Number) {
		t.Fatalf("second invoice: %v", err)
	}
	list, _ := s.ListInvoices(ctx(t), o.ID)
	if len(list) != 1 {
		t.Fatalf("%d invoices after the refusal", len(list))
	}
	cur, err := s.CurrentInvoice(ctx(t), o.Number)
	if err != nil || cur.Number != inv.Number {
		t.Errorf("CurrentInvoice = %s, %v", cur.Number, err)
	}

	paid, err := s.MarkInvoicePaid(ctx(t), inv.Number, order.PayCheque, time.Now())
	if err != nil || paid.Status != store.InvoicePaid || paid.PaidMethod != "cheque" || paid.PaidAt == nil {
		t.Fatalf("MarkInvoicePaid = %+v, %v", paid, err)
	}
	if _, err := s.MarkInvoicePaid(ctx(t), inv.Number, order.PayTerminal, time.Now()); err != nil {
		t.Errorf("marking it paid again: %v", err)
	}
}

func TestInvoiceRefusesBadSeller(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000401", mug))
	bad := seller
	bad.SIRET = "1234"
	_, err := s.CreateInvoice(ctx(t), store.InvoiceRequest{Key: "k", OrderNumber: o.Number, Seller: bad})
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "seller.siret" {
		t.Fatalf("bad SIRET: %v", err)
	}
	if list, _ := s.ListInvoices(ctx(t), o.ID); len(list) != 0 {
		t.Fatalf("an invoice was written: %+v", list)
	}
}

func TestSupplementaryInvoiceAndCreditNote(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000402", mug, ebook))
	first, err := s.CreateInvoice(ctx(t), store.InvoiceRequest{Key: "inv-1", OrderNumber: o.Number, Seller: seller})
	if err != nil {
		t.Fatal(err)
	}

	// A credit note for a refund of 5 €, then one too large.
	cn, err := s.CreateCreditNote(ctx(t), store.CreditNoteRequest{Key: "refund/1", OrderNumber: o.Number, Amount: 500, Reason: "geste commercial", Seller: seller})
	if err != nil {
		t.Fatal(err)
	}
	if cn.InvoiceNumber != first.Number || cn.Total != 500 || cn.Net+cn.VATTotal != 500 || !strings.HasPrefix(cn.Number, fmt.Sprintf("A-%d-", thisYear())) {
		t.Errorf("credit note = %+v", cn)
	}
	again, err := s.CreateCreditNote(ctx(t), store.CreditNoteRequest{Key: "refund/1", OrderNumber: o.Number, Amount: 500, Seller: seller})
	if err != nil || again.Number != cn.Number {
		t.Errorf("retry = %s, %v", again.Number, err)
	}
	_, err = s.CreateCreditNote(ctx(t), store.CreditNoteRequest{Key: "refund/2", OrderNumber: o.Number, Amount: first.Total, Seller: seller})
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "amount" {
		t.Errorf("too large a credit note: %v", err)
	}
	none := insert(t, s, newOrder("C-2026-000403", mug))
	_, err = s.CreateCreditNote(ctx(t), store.CreditNoteRequest{Key: "refund/3", OrderNumber: none.Number, Amount: 100, Seller: seller})
	if !errors.As(err, &fe) || fe.Field != "invoice" {
		t.Errorf("credit note with no invoice: %v", err)
	}

	// The content goes up (a third mug, through a content change): the next
	// invoice covers the difference only, per VAT rate.
	lines := append([]order.Line(nil), o.Lines...)
	lines[0].Quantity = 3
	res := order.ContentResult{Before: o.Totals, After: order.Price(lines, o.Discount, o.ShippingFee, o.ShippingRules.VATRate), Lines: lines}
	holder := "modify-content/C-2026-000402/r1"
	if _, err := s.TakeHold(ctx(t), o.Number, holder); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveContentChange(ctx(t), o.Number, holder, res, store.Event{ActorKind: store.ActorAgent, Kind: "content_changed", Message: "t-shirt ajouté", Key: holder + "/content"}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.GetOrder(ctx(t), o.Number)
	sup, err := s.CreateInvoice(ctx(t), store.InvoiceRequest{Key: "inv-2", OrderNumber: o.Number, Seller: seller, Reason: "t-shirt ajouté"})
	if err != nil {
		t.Fatal(err)
	}
	// Invoiced: first.Total - 500 (credit note), now after.Totals.Total.
	if want := after.Totals.Total - (first.Total - 500); !sup.Supplementary || sup.Total != want || sup.Net+sup.VATTotal != sup.Total {
		t.Errorf("supplementary invoice total %d (net %d + VAT %d), want %d", sup.Total, sup.Net, sup.VATTotal, want)
	}
}
