package order

import (
	"strings"
	"testing"
)

func TestStatusMoves(t *testing.T) {
	tests := []struct {
		from, to Status
		ok       bool
	}{
		{StatusNew, StatusAwaitingPayment, true},
		{StatusNew, StatusPaid, true},
		{StatusNew, StatusCancelled, true},
		{StatusNew, StatusShipped, false}, // never shipped before being paid
		{StatusNew, StatusNew, false},
		{StatusAwaitingPayment, StatusPaid, true},
		{StatusAwaitingPayment, StatusCancelled, true},
		{StatusAwaitingPayment, StatusNew, false},
		{StatusAwaitingPayment, StatusShipped, false},
		{StatusPaid, StatusPartiallyShipped, true},
		{StatusPaid, StatusShipped, true},
		{StatusPaid, StatusCompleted, true}, // non-physical items only
		{StatusPaid, StatusCancelled, true},
		{StatusPaid, StatusAwaitingPayment, false},
		{StatusPaid, StatusNew, false},
		{StatusPartiallyShipped, StatusShipped, true},
		{StatusPartiallyShipped, StatusCompleted, true},
		{StatusPartiallyShipped, StatusCancelled, true}, // the rest cancelled
		{StatusPartiallyShipped, StatusPaid, false},
		{StatusShipped, StatusCompleted, true},
		{StatusShipped, StatusCancelled, false},
		{StatusShipped, StatusPaid, false},
		{StatusCompleted, StatusCancelled, false},
		{StatusCompleted, StatusShipped, false},
		{StatusCancelled, StatusPaid, false},
		{StatusCancelled, StatusNew, false},
		{Status("bogus"), StatusPaid, false},
		{StatusNew, Status("bogus"), false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"->"+string(tt.to), func(t *testing.T) {
			if got := tt.from.CanMoveTo(tt.to); got != tt.ok {
				t.Errorf("CanMoveTo = %v, want %v", got, tt.ok)
			}
			got, err := tt.from.MoveTo(tt.to)
			if tt.ok {
				if err != nil || got != tt.to {
					t.Errorf("MoveTo = %q, %v; want %q", got, err, tt.to)
				}
				return
			}
			if err == nil {
				t.Fatalf("MoveTo = %q, want an error", got)
			}
			if got != tt.from {
				t.Errorf("a refused move returned %q, want the unchanged %q", got, tt.from)
			}
			for _, name := range []string{tt.from.Label("en"), tt.to.Label("en")} {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("error %q does not name %q", err, name)
				}
			}
		})
	}
}

func TestStatusTerminal(t *testing.T) {
	for _, from := range []Status{StatusCompleted, StatusCancelled} {
		for _, to := range Statuses {
			if from.CanMoveTo(to) {
				t.Errorf("%s is final but can move to %s", from, to)
			}
		}
	}
}

// Every status is reachable from a new order, so no status is dead code.
func TestStatusReachable(t *testing.T) {
	seen := map[Status]bool{StatusNew: true}
	queue := []Status{StatusNew}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, n := range Statuses {
			if s.CanMoveTo(n) && !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, s := range Statuses {
		if !seen[s] {
			t.Errorf("status %s cannot be reached from new", s)
		}
	}
}

func TestStatusLabels(t *testing.T) {
	tests := []struct {
		s      Status
		fr, en string
	}{
		{StatusNew, "Nouvelle", "New"},
		{StatusAwaitingPayment, "En attente du paiement", "Awaiting payment"},
		{StatusPaid, "Payée — à expédier", "Paid — to ship"},
		{StatusPartiallyShipped, "Expédiée partiellement", "Partially shipped"},
		{StatusShipped, "Expédiée", "Shipped"},
		{StatusCompleted, "Terminée", "Completed"},
		{StatusCancelled, "Annulée", "Cancelled"},
		{Status("mystery"), "mystery", "mystery"},
	}
	for _, tt := range tests {
		t.Run(string(tt.s), func(t *testing.T) {
			if got := tt.s.Label("fr"); got != tt.fr {
				t.Errorf("Label(fr) = %q, want %q", got, tt.fr)
			}
			if got := tt.s.Label(""); got != tt.fr {
				t.Errorf("Label(\"\") = %q, want French %q", got, tt.fr)
			}
			if got := tt.s.Label("en"); got != tt.en {
				t.Errorf("Label(en) = %q, want %q", got, tt.en)
			}
			if got, want := tt.s.Valid(), tt.s != "mystery"; got != want {
				t.Errorf("Valid() = %v, want %v", got, want)
			}
		})
	}
	if len(Statuses) != len(statusLabels) {
		t.Errorf("Statuses lists %d statuses, %d have labels", len(Statuses), len(statusLabels))
	}
}

func TestLogisticsMoves(t *testing.T) {
	tests := []struct {
		from, to LogisticsStatus
		ok       bool
	}{
		{LogisticsAwaitingPrinting, LogisticsPrinting, true},
		{LogisticsAwaitingPrinting, LogisticsPrepared, false},
		{LogisticsAwaitingPrinting, LogisticsShipped, false},
		{LogisticsPrinting, LogisticsPrepared, true},
		{LogisticsPrinting, LogisticsAwaitingPrinting, true}, // a print job sent back
		{LogisticsPrinting, LogisticsShipped, false},
		{LogisticsPrepared, LogisticsShipped, true},
		{LogisticsPrepared, LogisticsAwaitingPrinting, false},
		{LogisticsPrepared, LogisticsPrinting, false},
		{LogisticsShipped, LogisticsAwaitingPrinting, false},
		{LogisticsShipped, LogisticsPrepared, false},
		{LogisticsShipped, LogisticsShipped, false},
		{LogisticsStatus(""), LogisticsPrinting, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"->"+string(tt.to), func(t *testing.T) {
			if got := tt.from.CanMoveTo(tt.to); got != tt.ok {
				t.Errorf("CanMoveTo = %v, want %v", got, tt.ok)
			}
		})
	}
}

func TestLogisticsLabels(t *testing.T) {
	tests := []struct {
		s      LogisticsStatus
		fr, en string
	}{
		{LogisticsAwaitingPrinting, "En attente d'impression", "Awaiting printing"},
		{LogisticsPrinting, "En cours d'impression", "Printing"},
		{LogisticsPrepared, "Préparé", "Prepared"},
		{LogisticsShipped, "Expédié", "Shipped"},
	}
	for _, tt := range tests {
		t.Run(string(tt.s), func(t *testing.T) {
			if got := tt.s.Label("fr"); got != tt.fr {
				t.Errorf("Label(fr) = %q, want %q", got, tt.fr)
			}
			if got := tt.s.Label("en"); got != tt.en {
				t.Errorf("Label(en) = %q, want %q", got, tt.en)
			}
			if !tt.s.Valid() {
				t.Error("not Valid()")
			}
		})
	}
	if LogisticsStatus("lost").Valid() {
		t.Error(`"lost" is Valid()`)
	}
}

func TestPaymentMethods(t *testing.T) {
	direct := map[PaymentMethod]bool{PayCard: true, PayStripe: true, PayPayPal: true, PayHiPay: true, PayPaybox: true, PayBankPayment: true, PayTerminal: true}
	for _, p := range PaymentMethods {
		t.Run(string(p), func(t *testing.T) {
			if !p.Valid() {
				t.Error("not Valid()")
			}
			if p.Label("fr") == string(p) || p.Label("en") == "" {
				t.Errorf("no label: fr %q en %q", p.Label("fr"), p.Label("en"))
			}
			if got := p.Direct(); got != direct[p] {
				t.Errorf("Direct() = %v, want %v", got, direct[p])
			}
		})
	}
	if PayCheque.Label("fr") != "Chèque" || PayCheque.Label("en") != "Cheque" {
		t.Errorf("cheque labels: %q, %q", PayCheque.Label("fr"), PayCheque.Label("en"))
	}
	if PaymentMethod("bitcoin").Valid() || PaymentMethod("bitcoin").Direct() {
		t.Error("unknown payment method accepted")
	}
}

func TestContactChannels(t *testing.T) {
	want := map[ContactChannel]string{ContactEmail: "E-mail", ContactForm: "Formulaire de contact", ContactPhone: "Téléphone"}
	for _, c := range ContactChannels {
		if !c.Valid() || c.Label("fr") != want[c] {
			t.Errorf("%s: Valid %v, Label(fr) %q, want %q", c, c.Valid(), c.Label("fr"), want[c])
		}
	}
	if ContactChannel("pigeon").Valid() {
		t.Error(`"pigeon" is Valid()`)
	}
}
