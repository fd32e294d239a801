package web

import (
	"net/http"
	"slices"

	"github.com/orderdesk/orderdesk/store"
)

// taskListData is the data of the task inbox.
type taskListData struct {
	Layout
	Tasks []store.Task
	Form  *taskForm // a refused answer, shown again
}

// taskList is GET /tasks: every open agent task across orders, oldest
// first, since the oldest customer has waited longest, each with the form
// to answer it.
func (s *server) taskList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTaskList(w, r, http.StatusOK, nil)
}

func (s *server) renderTaskList(w http.ResponseWriter, r *http.Request, status int, form *taskForm) error {
	tasks, err := s.store.ListOpenTasks(r.Context())
	if err != nil {
		return err
	}
	slices.SortStableFunc(tasks, func(a, b store.Task) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return s.render(w, status, "tasks", taskListData{
		Layout: Layout{Title: tr(langOf(r), "tasks.title"), Nav: "tasks"},
		Tasks:  tasks,
		Form:   form,
	})
}
