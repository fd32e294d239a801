package order

import "fmt"

// Status is where an order stands commercially.
type Status string

// The order statuses, in the order a typical order goes through them.
const (
	StatusNew              Status = "new"
	StatusAwaitingPayment  Status = "awaiting_payment"
	StatusPaid             Status = "paid"
	StatusPartiallyShipped Status = "partially_shipped"
	StatusShipped          Status = "shipped"
	StatusCompleted        Status = "completed"
	StatusCancelled        Status = "cancelled"
)

// Statuses lists every order status, for filters and validation.
var Statuses = []Status{StatusNew, StatusAwaitingPayment, StatusPaid, StatusPartiallyShipped, StatusShipped, StatusCompleted, StatusCancelled}

var statusLabels = map[Status][2]string{
	StatusNew:              {"Nouvelle", "New"},
	StatusAwaitingPayment:  {"En attente du paiement", "Awaiting payment"},
	StatusPaid:             {"Complétée (payée, prête à expédier)", "Paid, ready to ship"},
	StatusPartiallyShipped: {"Expédiée partiellement", "Partially shipped"},
	StatusShipped:          {"Expédiée", "Shipped"},
	StatusCompleted:        {"Terminée", "Completed"},
	StatusCancelled:        {"Annulée", "Cancelled"},
}

// Label is the status as an agent reads it, French unless locale is "en".
func (s Status) Label(locale string) string { return label(statusLabels[s], locale, string(s)) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

var statusMoves = map[Status][]Status{
	StatusNew:              {StatusAwaitingPayment, StatusPaid, StatusCancelled},
	StatusAwaitingPayment:  {StatusPaid, StatusCancelled},
	StatusPaid:             {StatusPartiallyShipped, StatusShipped, StatusCompleted, StatusCancelled},
	StatusPartiallyShipped: {StatusShipped, StatusCompleted, StatusCancelled},
	StatusShipped:          {StatusCompleted},
	StatusCompleted:        {},
	StatusCancelled:        {},
}

// CanMoveTo reports whether an order in status s may be moved to next.
func (s Status) CanMoveTo(next Status) bool {
	for _, n := range statusMoves[s] {
		if n == next {
			return true
		}
	}
	return false
}

// MoveTo returns next when the move is allowed, or an error naming both statuses.
func (s Status) MoveTo(next Status) (Status, error) {
	if !s.CanMoveTo(next) {
		return s, fmt.Errorf("an order %s cannot become %s", s.Label("en"), next.Label("en"))
	}
	return next, nil
}

// LogisticsStatus is where an order stands in the warehouse.
type LogisticsStatus string

// The logistics statuses, in the order the warehouse moves through them.
const (
	LogisticsAwaitingPrinting LogisticsStatus = "awaiting_printing"
	LogisticsPrinting         LogisticsStatus = "printing"
	LogisticsPrepared         LogisticsStatus = "prepared"
	LogisticsShipped          LogisticsStatus = "shipped"
)

// LogisticsStatuses lists every logistics status.
var LogisticsStatuses = []LogisticsStatus{LogisticsAwaitingPrinting, LogisticsPrinting, LogisticsPrepared, LogisticsShipped}

var logisticsLabels = map[LogisticsStatus][2]string{
	LogisticsAwaitingPrinting: {"En attente d'impression", "Awaiting printing"},
	LogisticsPrinting:         {"En cours d'impression", "Printing"},
	LogisticsPrepared:         {"Préparé", "Prepared"},
	LogisticsShipped:          {"Expédié", "Shipped"},
}

// Label is the logistics status as an agent reads it, French unless locale is "en".
func (s LogisticsStatus) Label(locale string) string {
	return label(logisticsLabels[s], locale, string(s))
}

// Valid reports whether s is a known logistics status.
func (s LogisticsStatus) Valid() bool { _, ok := logisticsLabels[s]; return ok }

var logisticsMoves = map[LogisticsStatus][]LogisticsStatus{
	LogisticsAwaitingPrinting: {LogisticsPrinting},
	LogisticsPrinting:         {LogisticsPrepared, LogisticsAwaitingPrinting},
	LogisticsPrepared:         {LogisticsShipped},
	LogisticsShipped:          {},
}

// CanMoveTo reports whether the warehouse may move an order from s to next.
func (s LogisticsStatus) CanMoveTo(next LogisticsStatus) bool {
	for _, n := range logisticsMoves[s] {
		if n == next {
			return true
		}
	}
	return false
}

func label(l [2]string, locale, fallback string) string {
	switch {
	case l[0] == "":
		return fallback
	case locale == "en":
		return l[1]
	default:
		return l[0]
	}
}
