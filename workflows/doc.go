// Package workflows holds the procedures of orderdesk, each a Temporal
// workflow, and the reconcile job. Workflows are deterministic: they
// decide, activities act. They never import store, payments or mail; they
// reach the world only through the activity stubs of package activities.
//
// One procedure a file (its input, its result and its function), named
// after it:
//
//	modify_content.go     modify-content
//	cancel_refund.go      cancel-refund
//	edit_details.go       edit-details
//	fulfil.go             fulfil
//	collect_payment.go    collect-payment; its wait (reminders, the chase
//	                      task, payments recorded) in collect_payment_wait.go,
//	                      its invoice and confirmation emails in
//	                      collect_payment_invoice.go, a change of its order's
//	                      total in collect_payment_due.go
//	notify_new_order.go   notify-new-order
//	settle_difference.go  settle-difference
//	mail_cheque.go        mail-cheque
//	archive_order.go      archive-order
//	unarchive_order.go    unarchive-order
//	resend_email.go       resend-email
//	reconcile.go          the reconcile job
//
// What several share:
//
//	procedures.go      the list the worker registers; procedure, what every
//	                   procedure on an order shares (status, tasks, hold,
//	                   customer email, failures)
//	ask.go             asker: the agent tasks a procedure opens, the
//	                   answer-task Update and its checks, reminders and
//	                   escalation, the AwaitingAgent search attribute
//	tasks.go           the kinds of task, their answers, TaskAnswer
//	settle.go          the settlement of a difference, which settle-difference
//	                   runs alone and a lean procedure inside itself
//	payback.go         the settlement's payback: money that cannot go back on
//	                   the means of payment (order.Payback)
//	tell_collection.go telling a running collect-payment its order changed
//	state.go           State and Step, what the status query returns
//	texts.go           the sentences of the progress view, as data
//	lean.go            lean procedures and their revisions
//	options.go         the activity options of the steps
//	settings.go        the shop's settings every procedure carries
//	names.go           procedure, Update, query and search attribute names
package workflows
