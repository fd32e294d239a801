package store_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// The hold and its release write their line of the order's history in the
// same statement: the line is there when, and only when, the hold moved,
// once whatever the retries, and it keeps its phrase.
func TestTheHoldAndItsReleaseWriteTheirLineOnlyWhenTheyHappen(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000700", mug, tee))
	const wf, other = "modify-content/C-2026-000700/req-1", "cancel-refund/C-2026-000700/req-1"
	taken := func(holder string) store.Event {
		return store.Event{ActorKind: store.ActorAgent, Actor: "agent@boutique.fr", WorkflowID: holder, Kind: "hold_taken",
			Key: holder + "/hold", Phrase: locale.Phr("history.hold_taken")}
	}
	released := func(holder string) store.Event {
		return store.Event{ActorKind: store.ActorProcedure, Actor: holder, WorkflowID: holder, Kind: "hold_released",
			Key: holder + "/release", Phrase: locale.Phr("history.hold_released")}
	}
	kinds := func() []string {
		evs, err := s.ListEvents(ctx(t), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ev := range evs {
			out = append(out, ev.Kind+" "+ev.WorkflowID)
		}
		return out
	}

	if err := s.TakeHoldNoted(ctx(t), o.Number, wf, taken(wf)); err != nil {
		t.Fatalf("TakeHoldNoted = %v", err)
	}
	if held, err := s.GetOrder(ctx(t), o.Number); err != nil || held.HoldBy != wf {
		t.Fatalf("after TakeHoldNoted: hold %q, %v; want the order held by %s", held.HoldBy, err, wf)
	}
	if err := s.TakeHoldNoted(ctx(t), o.Number, wf, taken(wf)); err != nil {
		t.Fatalf("TakeHoldNoted again by the holder (a retry) = %v", err)
	}
	var nm *order.NotModifiableError
	if err := s.TakeHoldNoted(ctx(t), o.Number, other, taken(other)); !errors.As(err, &nm) || nm.HoldBy != wf {
		t.Fatalf("TakeHoldNoted by another procedure = %v, want a NotModifiableError naming %s", err, wf)
	}
	if ok, err := s.ReleaseHoldNoted(ctx(t), o.Number, other, released(other)); err != nil || ok {
		t.Fatalf("ReleaseHoldNoted by a procedure that does not hold it = %v, %v; want false, nil", ok, err)
	}
	if got, want := kinds(), []string{"hold_taken " + wf}; !slices.Equal(got, want) {
		t.Fatalf("history = %v, want %v: one line for the hold and its retry, none for the refusals", got, want)
	}

	if ok, err := s.ReleaseHoldNoted(ctx(t), o.Number, wf, released(wf)); err != nil || !ok {
		t.Fatalf("ReleaseHoldNoted by the holder = %v, %v; want true, nil", ok, err)
	}
	if ok, err := s.ReleaseHoldNoted(ctx(t), o.Number, wf, released(wf)); err != nil || ok {
		t.Fatalf("ReleaseHoldNoted again (a retry) = %v, %v; want false, nil", ok, err)
	}
	if ok, err := s.ReleaseHoldNoted(ctx(t), "C-2026-999999", wf, released(wf)); err != nil || ok {
		t.Fatalf("ReleaseHoldNoted of an unknown order = %v, %v; want false, nil", ok, err)
	}
	if err := s.TakeHoldNoted(ctx(t), "C-2026-999999", wf, taken(wf)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("TakeHoldNoted of an unknown order = %v, want ErrNotFound", err)
	}
	got, err := s.GetOrder(ctx(t), o.Number)
	if err != nil || got.HoldBy != "" {
		t.Fatalf("after the release: hold %q, %v; want free", got.HoldBy, err)
	}
	if got, want := kinds(), []string{"hold_taken " + wf, "hold_released " + wf}; !slices.Equal(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	evs, _ := s.ListEvents(ctx(t), o.ID)
	if ph := evs[1].Phrase; ph.Key != "history.hold_released" || evs[1].Message == "" || evs[1].Key != wf+"/release" {
		t.Errorf("the release's line = %+v, want its phrase, its French and its key", evs[1])
	}

	// Free again, another procedure takes it; an order the warehouse
	// started is refused, with no line.
	if err := s.TakeHoldNoted(ctx(t), o.Number, other, taken(other)); err != nil {
		t.Fatal(err)
	}
	started := insert(t, s, newOrder("C-2026-000701", mug))
	if err := s.SetLogisticsStatus(ctx(t), started.Number, order.LogisticsPrinting, "entrepôt"); err != nil {
		t.Fatal(err)
	}
	if err := s.TakeHoldNoted(ctx(t), started.Number, wf, taken(wf)); !errors.Is(err, order.ErrNotModifiable) {
		t.Errorf("TakeHoldNoted of an order being printed = %v, want ErrNotModifiable", err)
	}
	if evs, _ := s.ListEvents(ctx(t), started.ID); len(evs) != 1 || evs[0].Kind == "hold_taken" {
		t.Errorf("history of the refused order = %+v, want the warehouse's move only", evs)
	}
}

// A content change writes the lines it changes and leaves the others as
// they are; a line of another order is refused and nothing is written.
func TestAContentChangeWritesOnlyItsLines(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000710", mug, tee, ebook))
	other := insert(t, s, newOrder("C-2026-000711", mug))
	const wf = "modify-content/C-2026-000710/req-1"
	held, err := s.TakeHold(ctx(t), o.Number, wf)
	if err != nil {
		t.Fatal(err)
	}
	price := int64(1490)
	res, err := order.ApplyContentChange(held, order.ContentChange{Edits: []order.LineEdit{{LineID: held.Lines[1].ID, UnitPrice: &price}}})
	if err != nil {
		t.Fatal(err)
	}
	ev := store.Event{ActorKind: store.ActorAgent, Kind: "content_changed", Message: "prix modifié", Key: wf + "/content"}

	stray := res
	stray.Lines = append(slices.Clone(res.Lines), other.Lines[0])
	if _, err := s.SaveContentChange(ctx(t), o.Number, wf, stray, ev); err == nil || !strings.Contains(err.Error(), "not in order") {
		t.Fatalf("SaveContentChange with a line of another order = %v, want an error saying the line is not in the order", err)
	}
	if got, _ := s.GetOrder(ctx(t), o.Number); got.Version != held.Version || got.Lines[1].UnitPrice != tee.UnitPrice {
		t.Fatalf("after the refused change: version %d, T-shirt at %d; want nothing written", got.Version, got.Lines[1].UnitPrice)
	}

	if _, err := s.SaveContentChange(ctx(t), o.Number, wf, res, ev); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetOrder(ctx(t), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(held.Lines)
	want[1].UnitPrice = price
	if !reflect.DeepEqual(got.Lines, want) {
		t.Errorf("lines = %+v\nwant %+v: the T-shirt at 14,90 €, the mug and the e-book as they were", got.Lines, want)
	}
	if !reflect.DeepEqual(got.Totals, res.After) || got.Version != held.Version+1 {
		t.Errorf("totals %+v version %d, want %+v and %d", got.Totals, got.Version, res.After, held.Version+1)
	}
}
