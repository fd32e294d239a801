package bench

import (
	"context"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// historyEvents counts the events of a procedure's history and of the
// histories of the children it started (found through their
// StartChildWorkflowExecutionInitiated events), children's children
// included. parts says how many each workflow has, parent first.
func historyEvents(ctx context.Context, c client.Client, workflowID string) (total int, parts []string, err error) {
	type wf struct{ id, kind string }
	todo := []wf{{id: workflowID}}
	for len(todo) > 0 {
		w := todo[0]
		todo = todo[1:]
		it := c.GetWorkflowHistory(ctx, w.id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		n := 0
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return total, parts, fmt.Errorf("history of %s: %w", w.id, err)
			}
			n++
			if w.kind == "" {
				if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
					w.kind = a.GetWorkflowType().GetName()
				}
			}
			if a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes(); a != nil {
				todo = append(todo, wf{id: a.GetWorkflowId(), kind: a.GetWorkflowType().GetName()})
			}
		}
		total += n
		parts = append(parts, fmt.Sprintf("%s %d", w.kind, n))
	}
	return total, parts, nil
}

// describeHistory is "34 (modify-content 18 + settle-difference 16)".
func describeHistory(total int, parts []string) string {
	if len(parts) <= 1 {
		return fmt.Sprint(total)
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, " + "))
}
