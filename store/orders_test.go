package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

func TestInsertOrderThenGetIt(t *testing.T) {
	s := devstacktest.NewStore(t)
	placed := newOrder("C-2026-000001", mug, tee, ebook)
	placed.Discount = order.Discount{Kind: order.DiscountPercent, Code: "BIENVENUE", Percent: 1000}
	placed.Totals = order.Reprice(placed)
	in := insert(t, s, placed)

	got, err := s.GetOrder(ctx(t), "C-2026-000001")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == 0 || got.ID != in.ID {
		t.Fatalf("ID = %d, InsertOrder returned %d", got.ID, in.ID)
	}
	var skus []string
	for _, l := range got.Lines {
		if l.ID == 0 {
			t.Errorf("line %s has no ID", l.SKU)
		}
		skus = append(skus, fmt.Sprintf("%s×%d", l.SKU, l.Quantity))
	}
	if want := []string{"MUG-01×2", "TEE-02×2", "EBOOK-7×1"}; !reflect.DeepEqual(skus, want) {
		t.Errorf("lines = %v, want %v in the order placed", skus, want)
	}
	if !reflect.DeepEqual(got.Totals, placed.Totals) {
		t.Errorf("totals = %+v, want %+v", got.Totals, placed.Totals)
	}
	if got.Totals.Total != 6560+990-755 { // 10 % off 75.50 €, free shipping
		t.Errorf("total = %d cents", got.Totals.Total)
	}
	if got.Delivery != placed.Delivery || got.ShippingRules != placed.ShippingRules || got.Discount != placed.Discount {
		t.Errorf("snapshot not kept: %+v %+v %+v", got.Delivery, got.ShippingRules, got.Discount)
	}
	if got.Customer.Locale != "fr" || got.Currency != "EUR" || got.Version != 1 || got.HoldBy != "" {
		t.Errorf("defaults: locale %q currency %q version %d hold %q", got.Customer.Locale, got.Currency, got.Version, got.HoldBy)
	}
	byID, err := s.GetOrderByID(ctx(t), in.ID)
	if err != nil || byID.Number != "C-2026-000001" {
		t.Errorf("GetOrderByID(%d) = %s, %v", in.ID, byID.Number, err)
	}

	_, err = s.GetOrder(ctx(t), "C-2026-999999")
	if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "C-2026-999999") {
		t.Errorf("GetOrder(unknown) = %v, want ErrNotFound naming the number", err)
	}
	if _, err := s.InsertOrder(ctx(t), placed); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("InsertOrder twice = %v, want an error saying the number exists", err)
	}
}

func TestTakeHoldOnlyOneProcedureWins(t *testing.T) {
	s := devstacktest.NewStore(t)
	insert(t, s, newOrder("C-2026-000010", mug, tee))

	const n = 8
	var (
		wg   sync.WaitGroup
		errs = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.TakeHold(ctx(t), "C-2026-000010", fmt.Sprintf("modify-content/C-2026-000010/req-%d", i))
		}()
	}
	wg.Wait()

	o, err := s.GetOrder(ctx(t), "C-2026-000010")
	if err != nil {
		t.Fatal(err)
	}
	winners := 0
	for i, err := range errs {
		if err == nil {
			winners++
			if want := fmt.Sprintf("modify-content/C-2026-000010/req-%d", i); o.HoldBy != want {
				t.Errorf("hold_by = %q, the winner was %q", o.HoldBy, want)
			}
			continue
		}
		var nm *order.NotModifiableError
		if !errors.As(err, &nm) || nm.HoldBy != o.HoldBy || !strings.Contains(err.Error(), o.HoldBy) {
			t.Errorf("loser %d: %v, want a NotModifiableError naming the holder %s", i, err, o.HoldBy)
		}
	}
	if winners != 1 {
		t.Fatalf("%d procedures took the hold, want exactly 1", winners)
	}

	// The winner retrying its step gets the hold again.
	again, err := s.TakeHold(ctx(t), "C-2026-000010", o.HoldBy)
	if err != nil || again.HoldBy != o.HoldBy {
		t.Errorf("TakeHold by the holder again = %q, %v; want it held, no error", again.HoldBy, err)
	}
	// Released, another procedure may take it.
	if err := s.ReleaseHold(ctx(t), "C-2026-000010", o.HoldBy); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseHold(ctx(t), "C-2026-000010", o.HoldBy); err != nil {
		t.Errorf("ReleaseHold twice = %v, want nil (a retry)", err)
	}
	if _, err := s.TakeHold(ctx(t), "C-2026-000010", "refund/C-2026-000010/r1"); err != nil {
		t.Errorf("TakeHold after release = %v", err)
	}
}

func TestTakeHoldRefusedOnceTheWarehouseStarted(t *testing.T) {
	s := devstacktest.NewStore(t)
	insert(t, s, newOrder("C-2026-000020", mug))
	if err := s.SetLogisticsStatus(ctx(t), "C-2026-000020", order.LogisticsPrinting, "entrepot-lyon"); err != nil {
		t.Fatal(err)
	}

	_, err := s.TakeHold(ctx(t), "C-2026-000020", "modify-content/C-2026-000020/a")
	var nm *order.NotModifiableError
	if !errors.As(err, &nm) || nm.Logistics != order.LogisticsPrinting || nm.HoldBy != "" {
		t.Fatalf("TakeHold on a printing order = %v, want a NotModifiableError with status printing", err)
	}
	if !strings.Contains(err.Error(), "printing") || !strings.Contains(err.Error(), "En cours d'impression") {
		t.Errorf("error %q should name the status", err)
	}
	o, _ := s.GetOrder(ctx(t), "C-2026-000020")
	if o.HoldBy != "" {
		t.Errorf("hold_by = %q after a refusal", o.HoldBy)
	}

	cancelled := newOrder("C-2026-000021", mug)
	cancelled.Status = order.StatusCancelled
	insert(t, s, cancelled)
	archivedAt := time.Now()
	archived := newOrder("C-2026-000022", mug)
	archived.ArchivedAt = &archivedAt
	insert(t, s, archived)
	for _, number := range []string{"C-2026-000021", "C-2026-000022"} {
		if _, err := s.TakeHold(ctx(t), number, "x"); !errors.Is(err, order.ErrNotModifiable) {
			t.Errorf("TakeHold(%s) = %v, want ErrNotModifiable", number, err)
		}
	}
	if _, err := s.TakeHold(ctx(t), "C-2026-000099", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TakeHold(unknown) = %v, want ErrNotFound", err)
	}
}

func TestWarehouseCannotMoveAHeldOrder(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000030", mug, tee))
	const holder = "modify-content/C-2026-000030/req-1"
	if _, err := s.TakeHold(ctx(t), o.Number, holder); err != nil {
		t.Fatal(err)
	}

	err := s.SetLogisticsStatus(ctx(t), o.Number, order.LogisticsPrinting, "entrepot-lyon")
	if !errors.Is(err, store.ErrOrderHeld) || !strings.Contains(err.Error(), holder) {
		t.Fatalf("move while held = %v, want ErrOrderHeld naming %s", err, holder)
	}
	// Another procedure's release does not free it.
	if err := s.ReleaseHold(ctx(t), o.Number, "someone-else"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLogisticsStatus(ctx(t), o.Number, order.LogisticsPrinting, "entrepot-lyon"); !errors.Is(err, store.ErrOrderHeld) {
		t.Fatalf("move after someone else's release = %v, want ErrOrderHeld", err)
	}
	if err := s.ReleaseHold(ctx(t), o.Number, holder); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLogisticsStatus(ctx(t), o.Number, order.LogisticsPrinting, "entrepot-lyon"); err != nil {
		t.Fatalf("move after release: %v", err)
	}
	// A retried request changes nothing; a skipped step is refused.
	if err := s.SetLogisticsStatus(ctx(t), o.Number, order.LogisticsPrinting, "entrepot-lyon"); err != nil {
		t.Errorf("same move again = %v, want nil", err)
	}
	if err := s.SetLogisticsStatus(ctx(t), o.Number, order.LogisticsShipped, "entrepot-lyon"); !errors.Is(err, store.ErrLogisticsMove) {
		t.Errorf("printing -> shipped = %v, want ErrLogisticsMove", err)
	}
	if err := s.SetLogisticsStatus(ctx(t), "C-2026-000099", order.LogisticsPrinting, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown order = %v, want ErrNotFound", err)
	}

	got, _ := s.GetOrder(ctx(t), o.Number)
	if got.Logistics != order.LogisticsPrinting {
		t.Errorf("logistics = %s, want printing", got.Logistics)
	}
	evs, err := s.ListEvents(ctx(t), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].ActorKind != store.ActorWarehouse || evs[0].Actor != "entrepot-lyon" ||
		evs[0].Message != "Statut logistique : En attente d'impression → En cours d'impression" {
		t.Errorf("history = %+v, want one warehouse move", evs)
	}
}

func TestSaveContentChangeAppliesOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	// 2 mugs + 2 T-shirts = 65.60 €: free shipping.
	o := insert(t, s, newOrder("C-2026-000040", mug, tee))
	const wf = "modify-content/C-2026-000040/req-1"
	held, err := s.TakeHold(ctx(t), o.Number, wf)
	if err != nil {
		t.Fatal(err)
	}
	// The customer keeps one mug and drops the T-shirts: 12.90 €, under the
	// free-shipping threshold again.
	res, err := order.ApplyContentChange(held, order.ContentChange{
		Quantities:     []order.LineQuantity{{LineID: held.Lines[0].ID, Quantity: 1}, {LineID: held.Lines[1].ID, Quantity: 0}},
		RecalcShipping: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := store.Event{
		ActorKind: store.ActorProcedure, Actor: wf, WorkflowID: wf, Kind: "content_changed",
		Message: "Produits retirés : " + order.Describe(res.Removed), ContactChannel: string(order.ContactPhone),
		Key: wf + "/save-content",
	}

	first, err := s.SaveContentChange(ctx(t), o.Number, wf, res, ev)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.SaveContentChange(ctx(t), o.Number, wf, res, ev) // the activity retried
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || second.ID != first.ID {
		t.Errorf("event ids %d then %d, want the same event", first.ID, second.ID)
	}

	got, err := s.GetOrder(ctx(t), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Lines) != 1 || got.Lines[0].SKU != "MUG-01" || got.Lines[0].Quantity != 1 {
		t.Errorf("lines = %+v, want 1 × MUG-01", got.Lines)
	}
	if got.Totals.Merchandise != 1290 || got.Totals.Shipping != 690 || got.Totals.Total != 1980 {
		t.Errorf("totals = %+v, want 12.90 + 6.90 shipping = 19.80", got.Totals)
	}
	if !reflect.DeepEqual(got.Totals, res.After) {
		t.Errorf("totals = %+v, want res.After %+v", got.Totals, res.After)
	}
	if got.Version != o.Version+1 {
		t.Errorf("version = %d, want %d (bumped once)", got.Version, o.Version+1)
	}
	evs, _ := s.ListEvents(ctx(t), o.ID)
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	var data order.ContentResult
	if err := json.Unmarshal(evs[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if evs[0].Key != ev.Key || evs[0].ContactChannel != "phone" || len(data.Removed) != 2 || !data.Shipping.FreeShippingLost() {
		t.Errorf("event = %+v with data %+v", evs[0], data)
	}
	if byKey, err := s.EventByKey(ctx(t), ev.Key); err != nil || byKey.ID != first.ID {
		t.Errorf("EventByKey = %d, %v", byKey.ID, err)
	}

	// Without the hold, nothing is written.
	if err := s.ReleaseHold(ctx(t), o.Number, wf); err != nil {
		t.Fatal(err)
	}
	ev2 := ev
	ev2.Key = wf + "/save-content-2"
	if _, err := s.SaveContentChange(ctx(t), o.Number, wf, res, ev2); !errors.Is(err, store.ErrNotHeld) {
		t.Errorf("SaveContentChange without the hold = %v, want ErrNotHeld", err)
	}
	if _, err := s.TakeHold(ctx(t), o.Number, "other-procedure"); err != nil {
		t.Fatal(err)
	}
	_, err = s.SaveContentChange(ctx(t), o.Number, wf, res, ev2)
	if !errors.Is(err, order.ErrNotModifiable) || !errors.Is(err, store.ErrNotHeld) || !strings.Contains(err.Error(), "other-procedure") {
		t.Errorf("SaveContentChange while another holds it = %v, want an error naming other-procedure", err)
	}
}

func TestListOrdersSearchesSortsAndPages(t *testing.T) {
	s := devstacktest.NewStore(t)
	day := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	add := func(number, name, email string, created time.Time, lines ...order.Line) {
		o := newOrder(number, lines...)
		o.Customer.Name, o.Customer.Email, o.CreatedAt = name, email, created
		insert(t, s, o)
	}
	add("C-2026-000101", "Élodie Martin", "elodie.martin@example.fr", day, mug)                  // 25.80 + 6.90
	add("C-2026-000102", "Jean Dupont", "jdupont@example.com", day.Add(time.Hour), tee)          // 39.80 + 6.90
	add("C-2026-000103", "Chloé Bernard", "chloe@example.org", day.Add(2*time.Hour), mug, ebook) // 35.70 + 6.90
	archivedAt := day.Add(3 * time.Hour)
	old := newOrder("C-2026-000104", tee)
	old.ArchivedAt = &archivedAt
	insert(t, s, old)

	numbers := func(f store.OrderFilter) ([]string, int) {
		t.Helper()
		list, total, err := s.ListOrders(ctx(t), f)
		if err != nil {
			t.Fatalf("ListOrders(%+v): %v", f, err)
		}
		out := []string{}
		for _, o := range list {
			out = append(out, strings.TrimPrefix(o.Number, "C-2026-000"))
		}
		return out, total
	}
	for _, tc := range []struct {
		name  string
		f     store.OrderFilter
		want  []string
		total int
	}{
		{"default: newest first, archived left out", store.OrderFilter{}, []string{"103", "102", "101"}, 3},
		{"by SKU, any case", store.OrderFilter{Query: "tee-02"}, []string{"102"}, 1},
		{"by product name", store.OrderFilter{Query: "recettes"}, []string{"103"}, 1},
		{"by email", store.OrderFilter{Query: "JDUPONT@"}, []string{"102"}, 1},
		{"by customer name, accented", store.OrderFilter{Query: "élodie"}, []string{"101"}, 1},
		{"by number", store.OrderFilter{Query: "000103"}, []string{"103"}, 1},
		{"LIKE wildcards are literal", store.OrderFilter{Query: "10%"}, []string{}, 0},
		{"by total ascending", store.OrderFilter{Sort: "total"}, []string{"101", "103", "102"}, 3},
		{"by total descending", store.OrderFilter{Sort: "total", Desc: true}, []string{"102", "103", "101"}, 3},
		{"by number", store.OrderFilter{Sort: "number"}, []string{"101", "102", "103"}, 3},
		{"by date ascending", store.OrderFilter{Sort: "date"}, []string{"101", "102", "103"}, 3},
		{"second page", store.OrderFilter{Sort: "number", Limit: 2, After: &store.OrderCursor{Number: "C-2026-000102"}}, []string{"103"}, 3},
		{"page before", store.OrderFilter{Sort: "number", Limit: 2, Before: &store.OrderCursor{Number: "C-2026-000103"}}, []string{"101", "102"}, 3},
		{"archived", store.OrderFilter{Archived: true}, []string{"104"}, 1},
		{"status filter", store.OrderFilter{Status: "new"}, []string{}, 0},
		{"logistics filter", store.OrderFilter{Logistics: "awaiting_printing", Query: "MUG"}, []string{"103", "101"}, 2},
		{"payment filter", store.OrderFilter{PaymentMethod: "card", Sort: "number", Desc: true}, []string{"103", "102", "101"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := numbers(tc.f)
			if !reflect.DeepEqual(got, tc.want) || total != tc.total {
				t.Errorf("got %v (total %d), want %v (total %d)", got, total, tc.want, tc.total)
			}
		})
	}

	list, _, _ := s.ListOrders(ctx(t), store.OrderFilter{Query: "C-2026-000102"})
	if len(list) != 1 || list[0].CustomerName != "Jean Dupont" || list[0].Total != 3980+690 || list[0].Logistics != "awaiting_printing" || !list[0].CreatedAt.Equal(day.Add(time.Hour)) {
		t.Errorf("summary = %+v", list)
	}
	if _, _, err := s.ListOrders(ctx(t), store.OrderFilter{Sort: "price"}); err == nil {
		t.Error("unknown sort accepted")
	}
}

func TestPlaceOrderIsWholeOrNothing(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := newOrder("C-2026-000777", order.Line{SKU: "MUG-01", Name: "Mug", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true})
	events := []store.Event{{ActorKind: store.ActorCustomer, Kind: "order_placed", Message: "Commande passée", Key: "api/C-2026-000777/placed"}}

	// A payment that cannot be written takes the order and its history with it.
	if _, err := s.PlaceOrder(ctx(t), o, &store.Payment{Method: "card", Amount: 0, Reference: "ch_1"}, events); err == nil || !strings.Contains(err.Error(), "amount") {
		t.Fatalf("a payment of 0 gave %v, want an error naming the amount", err)
	}
	if _, err := s.GetOrder(ctx(t), o.Number); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after a failed PlaceOrder the order reads %v, want nothing written", err)
	}

	placed, err := s.PlaceOrder(ctx(t), o, &store.Payment{Method: "card", Amount: o.Totals.Total, Reference: "ch_1", IdempotencyKey: "api/C-2026-000777/payment"}, events)
	if err != nil {
		t.Fatal(err)
	}
	if paid, err := s.PaidNet(ctx(t), placed.ID); err != nil || paid != o.Totals.Total {
		t.Fatalf("paid net %d (%v), want %d", paid, err, o.Totals.Total)
	}
	if history, err := s.ListEvents(ctx(t), placed.ID); err != nil || len(history) != 1 {
		t.Fatalf("history %v (%v), want the order_placed row", history, err)
	}
}
