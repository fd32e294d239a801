package order

import (
	"fmt"
	"reflect"
	"testing"
)

func TestPositionOf(t *testing.T) {
	pay := func(c int64) Entry { return Entry{Kind: EntryPayment, Amount: c, Ref: fmt.Sprint("p", c)} }
	refund := func(ref string, kinds ...EntryKind) []Entry {
		out := []Entry{{Kind: EntryRefundReserved, Amount: 1000, Ref: ref}}
		for _, k := range kinds {
			out = append(out, Entry{Kind: k, Amount: 1000, Ref: ref})
		}
		return out
	}
	cat := func(es ...[]Entry) []Entry {
		var out []Entry
		for _, e := range es {
			out = append(out, e...)
		}
		return out
	}
	tests := []struct {
		name    string
		entries []Entry
		total   int64
		want    Position
	}{
		{"nothing paid", nil, 5000, Position{Total: 5000, Due: 5000}},
		{"paid in full", []Entry{pay(5000)}, 5000, Position{Received: 5000, PaidNet: 5000, Total: 5000, Refundable: 5000}},
		{"overpaid", []Entry{pay(8000)}, 7000, Position{Received: 8000, PaidNet: 8000, Total: 7000, Overpayment: 1000, Refundable: 8000}},
		{"a refund reserved counts as given back", cat([]Entry{pay(5000)}, refund("r")), 5000,
			Position{Received: 5000, InFlight: 1000, PaidNet: 4000, Total: 5000, Due: 1000, Refundable: 4000}},
		{"sent, then its answer lost: still given back", cat([]Entry{pay(5000)}, refund("r", EntryRefundSent, EntryRefundUnknown)), 4000,
			Position{Received: 5000, InFlight: 1000, PaidNet: 4000, Total: 4000, Refundable: 4000}},
		{"confirmed", cat([]Entry{pay(5000)}, refund("r", EntryRefundSent, EntryRefundConfirmed)), 4000,
			Position{Received: 5000, Refunded: 1000, PaidNet: 4000, Total: 4000, Refundable: 4000}},
		{"failed: refundable again", cat([]Entry{pay(5000)}, refund("r", EntryRefundSent, EntryRefundFailed)), 5000,
			Position{Received: 5000, PaidNet: 5000, Total: 5000, Refundable: 5000}},
		{"confirmed stays confirmed whatever follows", cat([]Entry{pay(5000)}, refund("r", EntryRefundConfirmed, EntryRefundFailed)), 4000,
			Position{Received: 5000, Refunded: 1000, PaidNet: 4000, Total: 4000, Refundable: 4000}},
		{"a refund cheque mailed", cat([]Entry{pay(5000)}, refund("c", EntryChequeRequested, EntryChequeMailed)), 4000,
			Position{Received: 5000, Refunded: 1000, PaidNet: 4000, Total: 4000, Refundable: 4000}},
		{"a gesture is not owed back", cat([]Entry{pay(5000), {Kind: EntryGesture, Amount: 1000, Ref: "wf/"}}, refund("wf/refund", EntryRefundSent, EntryRefundConfirmed)), 5000,
			Position{Received: 5000, Refunded: 1000, PaidNet: 4000, Total: 5000, Refundable: 4000, Gestures: 1000}},
		{"a gesture whose refund failed gave nothing", cat([]Entry{pay(5000), {Kind: EntryGesture, Amount: 1000, Ref: "wf/"}}, refund("wf/refund", EntryRefundFailed)), 5000,
			Position{Received: 5000, PaidNet: 5000, Total: 5000, Refundable: 5000}},
		{"a gesture paid back another way still holds", cat([]Entry{pay(5000), {Kind: EntryGesture, Amount: 1000, Ref: "wf/"}}, refund("wf/refund", EntryRefundFailed), refund("wf/payback", EntryRefundConfirmed)), 4500,
			Position{Received: 5000, Refunded: 1000, PaidNet: 4000, Total: 4500, Refundable: 4000, Gestures: 1000, Overpayment: 500}},
		{"a gesture on an order cancelled in full is no debt", cat([]Entry{pay(5000), {Kind: EntryGesture, Amount: 1000, Ref: "wf/"}}, refund("wf/refund", EntryRefundConfirmed), []Entry{{Kind: EntryRefundReserved, Amount: 4000, Ref: "wf2/refund"}, {Kind: EntryRefundConfirmed, Amount: 4000, Ref: "wf2/refund"}}), 0,
			Position{Received: 5000, Refunded: 5000, Gestures: 1000}},
		{"paperwork moves no money", cat([]Entry{pay(5000), {Kind: EntryCreditNote, Amount: 900}, {Kind: EntryBalanceDue, Amount: 300}}), 5000,
			Position{Received: 5000, PaidNet: 5000, Total: 5000, Refundable: 5000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PositionOf(tt.entries, tt.total)
			if got.Covered != max(got.PaidNet, 0)+got.Gestures {
				t.Errorf("covered %d, want paid net %d + gestures %d", got.Covered, got.PaidNet, got.Gestures)
			}
			got.Refunds, got.Covered = nil, 0
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PositionOf =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestCheckRefundMove(t *testing.T) {
	for _, tt := range []struct {
		from, to RefundState
		ok       bool
	}{
		{RefundReserved, RefundSent, true}, {RefundSent, RefundUnknown, true}, {RefundUnknown, RefundConfirmed, true},
		{RefundSent, RefundFailed, true}, {RefundConfirmed, RefundConfirmed, true},
		{RefundConfirmed, RefundFailed, false}, {RefundFailed, RefundConfirmed, false}, {RefundConfirmed, RefundUnknown, false},
	} {
		if err := CheckRefundMove(tt.from, tt.to); (err == nil) != tt.ok {
			t.Errorf("%s -> %s: err = %v, want ok %v", tt.from, tt.to, err, tt.ok)
		}
	}
}

// FuzzPositionOf: whatever the facts, the figures hold together: paid net is
// what was received less what went or is going back, nothing refundable or
// due is negative, and the total is either covered (overpayment) or not (due).
func FuzzPositionOf(f *testing.F) {
	f.Add([]byte{0, 50, 1, 20, 2, 20, 4, 20}, int64(3000))
	f.Fuzz(func(t *testing.T, ops []byte, total int64) {
		if total < 0 || total > 1<<40 {
			return
		}
		kinds := []EntryKind{EntryPayment, EntryRefundReserved, EntryRefundSent, EntryRefundUnknown, EntryRefundConfirmed, EntryRefundFailed, EntryCreditNote, EntryGesture}
		var es []Entry
		for i := 0; i+1 < len(ops); i += 2 {
			k := kinds[int(ops[i])%len(kinds)]
			ref := fmt.Sprint("r", ops[i+1]%4)
			switch k {
			case EntryPayment:
				ref = fmt.Sprint("p", i)
			case EntryGesture:
				ref = "r"
			}
			es = append(es, Entry{Kind: k, Amount: int64(ops[i+1]) * 100, Ref: ref})
		}
		p := PositionOf(es, total)
		if p.PaidNet != p.Received-p.Refunded-p.InFlight {
			t.Fatalf("paid net %d != %d - %d - %d", p.PaidNet, p.Received, p.Refunded, p.InFlight)
		}
		if p.Refundable < 0 || p.Due < 0 || p.Overpayment < 0 || p.Refunded < 0 || p.InFlight < 0 {
			t.Fatalf("negative figure: %+v", p)
		}
		if p.Due > 0 && p.Overpayment > 0 || p.Overpayment > p.Refundable {
			t.Fatalf("due %d and overpayment %d at once, or overpayment above refundable %d", p.Due, p.Overpayment, p.Refundable)
		}
		if p.Due > 0 && p.Covered+p.Due != total || p.Gestures == 0 && p.PaidNet >= 0 && p.PaidNet-total != p.Overpayment-p.Due {
			t.Fatalf("covered %d, total %d: due %d, overpayment %d", p.Covered, total, p.Due, p.Overpayment)
		}
		if p.Gestures > p.Refunded+p.InFlight {
			t.Fatalf("gestures %d above what was given back %d", p.Gestures, p.Refunded+p.InFlight)
		}
	})
}

// Items returned (or a gesture) took back all the customer paid, and is
// not owed back; an agent then raises the shipping fee: the rise is owed,
// a balance to collect, though nothing is paid net any more.
func TestARiseAfterEverythingWentBackAsNotOwedIsABalanceDue(t *testing.T) {
	entries := []Entry{
		{Kind: EntryPayment, Amount: 1940, Ref: "p"},
		{Kind: EntryGesture, Amount: 1940, Ref: "return/C-1/r/settle/"},
		{Kind: EntryRefundReserved, Amount: 1940, Ref: "return/C-1/r/settle/refund"},
		{Kind: EntryRefundConfirmed, Amount: 1940, Ref: "return/C-1/r/settle/refund"},
	}
	p := PositionOf(entries, 1940)
	if p.PaidNet != 0 || p.Due != 0 {
		t.Fatalf("after the return: paid net %d, due %d; want 0 and 0 (the refund is not owed back)", p.PaidNet, p.Due)
	}
	s := SettleChange(PayCard, p, 1940, 2040)
	if s.Kind != SettleBalanceDue || s.BalanceDue != 100 || s.Refund != 0 {
		t.Errorf("the fee raised by 1,00 €: %+v, want a balance due of 100", s)
	}
	if s := SettleChange(PayCard, PositionOf(nil, 1940), 1940, 2040); s.Kind != SettleNothing {
		t.Errorf("an order never paid: %+v, want nothing settled (its collection awaits the total)", s)
	}
}

// What an order's invoices must go on billing, from its ledger: its total
// less what came back and the gestures given; no more than what was paid
// when an unpaid invoice is given up.
func TestWhatTheBooksBill(t *testing.T) {
	pay := Entry{Kind: EntryPayment, Amount: 8490, Ref: "p1"}
	for _, tt := range []struct {
		name         string
		entries      []Entry
		total        int64
		billed, paid int64
	}{
		{"paid in full", []Entry{pay}, 8490, 8490, 8490},
		{"a balance of 2 € still due", []Entry{pay}, 8690, 8690, 8490},
		{"an item returned and refunded", []Entry{pay, {Kind: EntryReturned, Amount: 3490, Ref: "R-1"},
			{Kind: EntryRefundReserved, Amount: 3490, Ref: "ret/refund"}, {Kind: EntryRefundConfirmed, Amount: 3490, Ref: "ret/refund"}}, 8490, 5000, 5000},
		{"a gesture of 5 €", []Entry{pay, {Kind: EntryGesture, Amount: 500, Ref: "mc/settle"},
			{Kind: EntryRefundReserved, Amount: 500, Ref: "mc/settle/refund"}, {Kind: EntryRefundConfirmed, Amount: 500, Ref: "mc/settle/refund"}}, 8490, 7990, 7990},
		{"nothing paid", nil, 8490, 8490, 0},
		{"cancelled in full", []Entry{pay}, 0, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := PositionOf(tt.entries, tt.total)
			if p.Billed() != tt.billed || p.BilledPaid() != tt.paid {
				t.Errorf("billed %d, billed and paid %d; want %d and %d", p.Billed(), p.BilledPaid(), tt.billed, tt.paid)
			}
		})
	}
}
