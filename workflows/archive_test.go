package workflows_test

import (
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/workflows"
)

func TestArchiveOrderArchivesOnceForTheAgent(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.ArchiveOrder, mock.Anything, mock.MatchedBy(func(in activities.ArchiveInput) bool {
		return in.OrderNumber == "C-2026-000123" && in.Actor.Agent == "marie@boutique.fr" && in.Actor.WorkflowID != ""
	})).Return(activities.ArchiveResult{OrderNumber: "C-2026-000123", Archived: true}, nil).Once()

	env.ExecuteWorkflow(workflows.ArchiveOrder, workflows.ArchiveInput{OrderNumber: "C-2026-000123", RequestID: "r1", Agent: "marie@boutique.fr"})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res workflows.ArchiveResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.True(t, res.Archived)

	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var st workflows.State
	require.NoError(t, v.Get(&st))
	require.True(t, st.Done)
	require.Len(t, st.Steps, 1)
	require.Equal(t, "Archiver la commande", st.Steps[0].Label)
	require.Equal(t, workflows.StepDone, st.Steps[0].Status)
}

func TestArchiveRefusedSaysWhyAndIsNotRetried(t *testing.T) {
	env := newEnv(t)
	refusal := temporal.NewNonRetryableApplicationError(
		"order C-2026-000123 is held by procedure cancel-refund/C-2026-000123/r: wait for it to end", activities.ErrTypeInvalidInput, nil)
	env.OnActivity(orders.ArchiveOrder, mock.Anything, mock.Anything).Return(activities.ArchiveResult{}, refusal).Once()

	env.ExecuteWorkflow(workflows.ArchiveOrder, workflows.ArchiveInput{OrderNumber: "C-2026-000123", RequestID: "r2", Agent: "marie@boutique.fr"})
	require.Error(t, env.GetWorkflowError())
	require.ErrorContains(t, env.GetWorkflowError(), "held by procedure cancel-refund")
	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var st workflows.State
	require.NoError(t, v.Get(&st))
	require.Equal(t, workflows.StepFailed, st.Steps[0].Status)
	require.Contains(t, st.Error, "held by procedure")
}

func TestUnarchiveOrder(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.UnarchiveOrder, mock.Anything, mock.Anything).Return(activities.ArchiveResult{OrderNumber: "C-2026-000123"}, nil).Once()
	env.ExecuteWorkflow(workflows.UnarchiveOrder, workflows.ArchiveInput{OrderNumber: "C-2026-000123", RequestID: "u1", Agent: "luc@boutique.fr"})
	require.NoError(t, env.GetWorkflowError())
	var res workflows.ArchiveResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.False(t, res.Archived)
}

func TestResendEmailCopiesThenSendsTheCopy(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(orders.CopyEmail, mock.Anything, mock.MatchedBy(func(in activities.ResendInput) bool {
		return in.EmailID == 41 && in.To == "camille@example.fr"
	})).Return(activities.ResendOutput{Email: activities.EmailRef{ID: 57}, Subject: "Confirmation de commande", To: "camille@example.fr"}, nil).Once()
	env.OnActivity(collect.SendDocumentEmail, mock.Anything, activities.EmailRef{ID: 57}).Return(nil).Once()

	env.ExecuteWorkflow(workflows.ResendEmail, workflows.ResendEmailInput{
		OrderNumber: "C-2026-000123", RequestID: "e1", Agent: "marie@boutique.fr", EmailID: 41, To: "camille@example.fr",
	})
	require.NoError(t, env.GetWorkflowError())
	var res workflows.ResendEmailResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.ResendEmailResult{EmailID: 57, To: "camille@example.fr"}, res)
	v, err := env.QueryWorkflow(workflows.QueryStatus)
	require.NoError(t, err)
	var st workflows.State
	require.NoError(t, v.Get(&st))
	require.Len(t, st.Steps, 2)
	require.Equal(t, "« Confirmation de commande » à camille@example.fr", st.Steps[0].Detail)
}
