package store

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// ErrNotFound is returned when the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrTaskClosed is returned when answering a task that is no longer open.
var ErrTaskClosed = errors.New("task is no longer open")

// Actor kinds: who did something to an order.
const (
	ActorAgent     = "agent"
	ActorSystem    = "system"
	ActorCustomer  = "customer"
	ActorProcedure = "procedure"
	ActorWarehouse = "warehouse"
)

// Event is one entry of an order's history (order_events).
type Event struct {
	ID             int64           `json:"id"`
	OrderID        int64           `json:"order_id"`
	At             time.Time       `json:"at"`
	ActorKind      string          `json:"actor_kind"`
	Actor          string          `json:"actor"`
	WorkflowID     string          `json:"workflow_id"`
	Kind           string          `json:"kind"`
	Message        string          `json:"message"`
	ContactChannel string          `json:"contact_channel"`
	Data           json.RawMessage `json:"data"`
	Key            string          `json:"key,omitempty"` // event_key: a retried step writes its event once
	// Phrase is the line as a message of the catalog (message_key and
	// message_args), which the agent UI says in the agent's language;
	// Message is its French. Zero for a line typed by a person (a note)
	// and for rows written before the keys: Message is all there is.
	Phrase locale.Phrase `json:"phrase,omitzero"`
}

// Refund statuses.
const (
	RefundPending       = "pending"
	RefundSucceeded     = "succeeded"
	RefundManualPending = "manual_pending"
	RefundImpossible    = "impossible"
	RefundFailed        = "failed"
	// RefundUnknown: sent to the provider, whose answer is lost and who
	// could not say yet; counted as given back until it does.
	RefundUnknown = "unknown"
)

// Refund is money given back to a customer (refunds).
type Refund struct {
	ID             int64     `json:"id"`
	OrderID        int64     `json:"order_id"`
	IdempotencyKey string    `json:"idempotency_key"`
	Amount         int64     `json:"amount_cents"`
	Currency       string    `json:"currency"`
	Method         string    `json:"method"`
	Status         string    `json:"status"`
	ProviderRef    string    `json:"provider_ref"`
	Reason         string    `json:"reason"`
	WorkflowID     string    `json:"workflow_id"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// RequestedBy is who decided the refund (an agent's email), for the
	// ledger; not a column of refunds.
	RequestedBy string `json:"-" db:"-"`
}

// LedgerEntry is one money fact of an order (ledger_entries).
type LedgerEntry struct {
	ID        int64           `json:"id"`
	OrderID   int64           `json:"order_id"`
	Kind      order.EntryKind `json:"kind"`
	Amount    int64           `json:"amount_cents"`
	Currency  string          `json:"currency"`
	Key       string          `json:"key"`
	Ref       string          `json:"ref"`
	Procedure string          `json:"procedure"`
	Actor     string          `json:"actor"`
	Note      string          `json:"note"`
	At        time.Time       `json:"at"`
}

// Payment is money received for an order (payments).
type Payment struct {
	ID             int64     `json:"id"`
	OrderID        int64     `json:"order_id"`
	Method         string    `json:"method"`
	Amount         int64     `json:"amount_cents"`
	Currency       string    `json:"currency"`
	Reference      string    `json:"reference"`
	ReceivedAt     time.Time `json:"received_at"`
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
	// RecordedBy is who recorded it (an agent's email, or the provider),
	// for the ledger; not a column of payments.
	RecordedBy string `json:"-" db:"-"`
}

// Email statuses in the outbox.
const (
	EmailPending = "pending"
	EmailSent    = "sent"
	EmailFailed  = "failed"
)

// Email is one message to a customer, written to the outbox before it is sent.
type Email struct {
	ID                int64      `json:"id"`
	Key               string     `json:"key"`
	OrderID           int64      `json:"order_id"`
	OrderNumber       string     `json:"order_number,omitempty"` // filled on reads, for lists
	ToEmail           string     `json:"to_email"`
	ToName            string     `json:"to_name"`
	Locale            string     `json:"locale"`
	Template          string     `json:"template"`
	Subject           string     `json:"subject"`
	BodyText          string     `json:"body_text"`
	BodyHTML          string     `json:"body_html"`
	Status            string     `json:"status"`
	ProviderMessageID string     `json:"provider_message_id"`
	Attempts          int        `json:"attempts"`
	LastError         string     `json:"last_error"`
	CreatedAt         time.Time  `json:"created_at"`
	SentAt            *time.Time `json:"sent_at,omitempty"`
	// BySender: the outbox sender delivers it (the procedure that wrote
	// it ended without waiting for the mail provider).
	BySender bool `json:"by_sender,omitempty"`
}

// Task statuses.
const (
	TaskOpen      = "open"
	TaskAnswered  = "answered"
	TaskCancelled = "cancelled"
)

// Task is what a procedure waits on a person for (agent_tasks).
type Task struct {
	ID          int64           `json:"id"`
	Key         string          `json:"key"`
	OrderID     int64           `json:"order_id"`
	OrderNumber string          `json:"order_number,omitempty"` // filled on reads
	WorkflowID  string          `json:"workflow_id"`
	Kind        string          `json:"kind"`
	Question    string          `json:"question"`
	Amount      int64           `json:"amount_cents"`
	Options     []string        `json:"options"`
	Status      string          `json:"status"`
	Answer      json.RawMessage `json:"answer,omitempty"`
	AnsweredBy  string          `json:"answered_by"`
	CreatedAt   time.Time       `json:"created_at"`
	AnsweredAt  *time.Time      `json:"answered_at,omitempty"`
	// Email is the customer email a review_email task asks about, as it
	// will go; nil for other tasks and for reviews opened before it was
	// recorded (their Question holds the email as text).
	Email *TaskEmail `json:"email,omitempty"`
	// QuestionPhrase is the question as a message of the catalog
	// (question_key and question_args), said in the agent's language;
	// Question is its French. Zero for tasks asked before the keys.
	QuestionPhrase locale.Phrase `json:"question_phrase,omitzero"`
	// Owner is the agent (email) who took the task in the inbox, empty
	// while nobody has; OwnerName their name, ClaimedAt since when. The
	// order's customer is filled on reads for the inbox. None of them is
	// in a task's JSON: a procedure's step results stay as they were.
	Owner         string     `json:"-"`
	OwnerName     string     `json:"-"`
	ClaimedAt     *time.Time `json:"-"`
	CustomerName  string     `json:"-"`
	CustomerEmail string     `json:"-"`
}

// TaskEmail is a customer email as an agent reviews it before it goes:
// rendered, not yet in the outbox (agent_tasks.email).
type TaskEmail struct {
	ToEmail  string `json:"to_email"`
	ToName   string `json:"to_name,omitempty"`
	Locale   string `json:"locale,omitempty"`
	Template string `json:"template,omitempty"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	HTML     string `json:"html,omitempty"` // empty: the email has only its text version
}

// Agent roles.
const (
	RoleAgent      = "agent"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Agent is a person who signs in to orderdesk.
type Agent struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"`
	Role         string    `json:"role"`
	Locale       string    `json:"locale"`
	CreatedAt    time.Time `json:"created_at"`
	// DisabledAt is when the account was disabled (nil: it is not): it
	// signs in no more and its sessions are ended.
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// OrderFilter selects orders for the order list.
type OrderFilter struct {
	// Query is searched in the order number, the customer's name, email and
	// phone, and the products' names and SKUs, in any case. It has at least
	// MinSearchLength characters: a shorter one is refused.
	Query         string
	Status        string
	Logistics     string
	PaymentMethod string
	Archived      bool   // false: current orders; true: archived ones
	Sort          string // "number", "date" (default, newest first), "total"
	Desc          bool
	Limit         int // default 50, at most 1000
	// After asks for the page that follows this row in the sort (keyset
	// pagination: the rows after it, wherever it is); Before for the page
	// that precedes it, still returned in the sort's order. Nil for both:
	// the first page.
	After, Before *OrderCursor
}

// OrderCursor is a row's place in the order list: its sort key (the one of
// the filter's sort; the others are ignored) and its id, which orders rows
// of equal key. CursorOf makes one from a listed row.
type OrderCursor struct {
	CreatedAt time.Time // sort "date"
	Number    string    // sort "number" (unique: no id needed)
	Total     int64     // sort "total"
	ID        int64
}

// CursorOf is the place of a listed order, for OrderFilter.After or Before.
func CursorOf(o OrderSummary) OrderCursor {
	return OrderCursor{CreatedAt: o.CreatedAt, Number: o.Number, Total: o.Total, ID: o.ID}
}

// ListCountCap is how far ListOrders counts: a count above it means "more
// than ListCountCap orders" (counting a million rows exactly on every page
// would cost more than the page).
const ListCountCap = 1000

// MinSearchLength is the shortest query (in characters) ListOrders
// searches: the trigram indexes need three characters to look anything up.
const MinSearchLength = 3

// OrderSummary is one row of the order list.
type OrderSummary struct {
	ID            int64     `json:"id"`
	Number        string    `json:"number"`
	CustomerName  string    `json:"customer_name"`
	CustomerEmail string    `json:"customer_email"`
	Status        string    `json:"status"`
	Logistics     string    `json:"logistics_status"`
	PaymentMethod string    `json:"payment_method"`
	Total         int64     `json:"total_cents"`
	Currency      string    `json:"currency"`
	HoldBy        string    `json:"hold_by"`
	CreatedAt     time.Time `json:"created_at"`
}
