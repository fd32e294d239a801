package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
)

// ownerTask opens a refund-by-hand task on a new order.
func ownerTask(t *testing.T, s *store.Store, number string) store.Task {
	t.Helper()
	o := insert(t, s, newOrder(number, mug))
	task, err := s.CreateTask(ctx(t), store.Task{Key: "settle/" + number + "/r/refund", OrderID: o.ID, WorkflowID: "settle/" + number + "/r",
		Kind: "refund_by_hand", Question: "Remboursez 12,90 € à la main.", Amount: 1290, Options: []string{"refund_done", "refund_impossible"}})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func addAgent(t *testing.T, s *store.Store, email, name, role string) {
	t.Helper()
	if _, err := s.CreateAgent(ctx(t), store.Agent{Email: email, Name: name, PasswordHash: "x", Role: role}); err != nil {
		t.Fatal(err)
	}
}

// TestTwoAgentsClaimingATaskAtOnceOneHasIt: many rounds of two agents
// taking the same task at the same moment; each time exactly one has it,
// and the other is told who.
func TestTwoAgentsClaimingATaskAtOnceOneHasIt(t *testing.T) {
	s := devstacktest.NewStore(t)
	addAgent(t, s, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	addAgent(t, s, "luc@boutique.fr", "Luc Petit", store.RoleAgent)
	agents := []string{"marie@boutique.fr", "luc@boutique.fr"}
	for round := range 20 {
		task := ownerTask(t, s, fmt.Sprintf("C-2026-%06d", 800+round))
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i, a := range agents {
			wg.Go(func() {
				<-start
				_, errs[i] = s.ClaimTask(ctx(t), task.ID, a)
			})
		}
		close(start)
		wg.Wait()
		winners := 0
		var loser *store.TaskClaimedError
		for _, err := range errs {
			switch {
			case err == nil:
				winners++
			case errors.As(err, &loser):
			default:
				t.Fatalf("round %d: claim: %v", round, err)
			}
		}
		if winners != 1 || loser == nil {
			t.Fatalf("round %d: %d agents have the task (errors %v), want exactly one", round, winners, errs)
		}
		got, err := s.GetTask(ctx(t), task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Owner != loser.Owner || got.ClaimedAt == nil {
			t.Fatalf("round %d: the task is %q's, the loser was told %q", round, got.Owner, loser.Owner)
		}
		if want := map[string]string{"marie@boutique.fr": "Marie Dupont", "luc@boutique.fr": "Luc Petit"}[got.Owner]; loser.OwnerName != want || got.OwnerName != want {
			t.Errorf("round %d: owner named %q / %q, want %q", round, loser.OwnerName, got.OwnerName, want)
		}
	}
}

// TestReleasingATask: the owner releases; another agent may not, a
// supervisor may; taking one's own task again is fine; a closed task is
// neither taken nor released.
func TestReleasingATask(t *testing.T) {
	s := devstacktest.NewStore(t)
	addAgent(t, s, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	task := ownerTask(t, s, "C-2026-000850")
	if _, err := s.ClaimTask(ctx(t), task.ID, "marie@boutique.fr"); err != nil {
		t.Fatal(err)
	}
	again, err := s.ClaimTask(ctx(t), task.ID, "marie@boutique.fr")
	if err != nil || again.Owner != "marie@boutique.fr" {
		t.Fatalf("taking one's own task again = %q, %v", again.Owner, err)
	}
	if _, err := s.ReleaseTask(ctx(t), task.ID, "luc@boutique.fr", false); !errors.Is(err, store.ErrTaskClaimed) {
		t.Errorf("another agent releasing Marie's task = %v, want ErrTaskClaimed", err)
	}
	if got, _ := s.GetTask(ctx(t), task.ID); got.Owner != "marie@boutique.fr" {
		t.Errorf("after a refused release the owner is %q", got.Owner)
	}
	freed, err := s.ReleaseTask(ctx(t), task.ID, "paul@boutique.fr", true)
	if err != nil || freed.Owner != "" || freed.ClaimedAt != nil {
		t.Fatalf("a supervisor releasing = %q %v, %v; want nobody's", freed.Owner, freed.ClaimedAt, err)
	}
	if _, err := s.ClaimTask(ctx(t), task.ID, "luc@boutique.fr"); err != nil {
		t.Fatalf("taking a released task: %v", err)
	}
	if got, err := s.ReleaseTask(ctx(t), task.ID, "luc@boutique.fr", false); err != nil || got.Owner != "" {
		t.Fatalf("the owner releasing = %q, %v", got.Owner, err)
	}
	if _, err := s.CloseTask(ctx(t), task.Key, store.TaskAnswered, []byte(`{"outcome":"refund_done"}`), "luc@boutique.fr"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimTask(ctx(t), task.ID, "marie@boutique.fr"); !errors.Is(err, store.ErrTaskClosed) {
		t.Errorf("taking an answered task = %v, want ErrTaskClosed", err)
	}
	if _, err := s.ClaimTask(ctx(t), 999999, "marie@boutique.fr"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("taking an unknown task = %v, want ErrNotFound", err)
	}
}

// TestInboxFilters: kind, age, order number and owner narrow the open
// tasks, oldest first, and the count counts them all.
func TestInboxFilters(t *testing.T) {
	s := devstacktest.NewStore(t)
	old := ownerTask(t, s, "C-2026-000840")
	mine := ownerTask(t, s, "C-2026-000841")
	o := insert(t, s, newOrder("C-2026-000842", mug))
	review, err := s.CreateTask(ctx(t), store.Task{Key: "m/C-2026-000842/email", OrderID: o.ID, WorkflowID: "m/C-2026-000842",
		Kind: "review_email", Question: "Envoyer ?", Options: []string{"send"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ExecRaw(ctx(t), fmt.Sprintf(`UPDATE agent_tasks SET created_at = now() - interval '2 days' WHERE id = %d`, old.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimTask(ctx(t), mine.ID, "marie@boutique.fr"); err != nil {
		t.Fatal(err)
	}
	ids := func(f store.TaskFilter) []int64 {
		t.Helper()
		ts, err := s.FindOpenTasks(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, x := range ts {
			out = append(out, x.ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    store.TaskFilter
		want []int64
	}{
		{"all, oldest first", store.TaskFilter{}, []int64{old.ID, mine.ID, review.ID}},
		{"refunds by hand", store.TaskFilter{Kind: "refund_by_hand"}, []int64{old.ID, mine.ID}},
		{"older than a day", store.TaskFilter{OlderThan: 24 * time.Hour}, []int64{old.ID}},
		{"one order", store.TaskFilter{OrderNumber: "C-2026-000842"}, []int64{review.ID}},
		{"mine", store.TaskFilter{Owner: store.OwnerMine, Agent: "marie@boutique.fr"}, []int64{mine.ID}},
		{"someone else's mine", store.TaskFilter{Owner: store.OwnerMine, Agent: "luc@boutique.fr"}, nil},
		{"unclaimed", store.TaskFilter{Owner: store.OwnerUnclaimed}, []int64{old.ID, review.ID}},
	} {
		if got := ids(c.f); !slicesEqual(got, c.want) {
			t.Errorf("%s: tasks %v, want %v", c.name, got, c.want)
		}
	}
	if n, err := s.CountOpenTasks(ctx(t)); err != nil || n != 3 {
		t.Errorf("CountOpenTasks = %d, %v; want 3", n, err)
	}
}

func slicesEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
