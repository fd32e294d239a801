package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// cmdEmails is `emails --order N`: the order's emails in the outbox, oldest
// first, one a line: the id `resend --email-id` takes, when it was written,
// its status, subject and recipient.
func cmdEmails(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("emails", "emails --order NUMBER")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	n := strings.TrimSpace(*number)
	if n == "" {
		return order.Refuse("order", "refusal.order_number_empty")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := st.GetOrder(ctx, n)
	if errors.Is(err, store.ErrNotFound) {
		return order.Refuse("order", "refusal.order_not_found", locale.Text(n))
	}
	if err != nil {
		return err
	}
	emails, err := st.ListEmails(ctx, o.ID)
	if err != nil {
		return err
	}
	if len(emails) == 0 {
		fmt.Printf("no email for %s\n", o.Number)
		return nil
	}
	fmt.Printf("%-6s  %-16s  %-8s  %s\n", "id", "date", "status", "subject → recipient")
	for _, e := range emails {
		fmt.Printf("%-6d  %-16s  %-8s  %s → %s\n", e.ID, e.CreatedAt.Local().Format("2006-01-02 15:04"), e.Status, e.Subject, e.ToEmail)
	}
	return nil
}
