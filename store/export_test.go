package store

// ListOrdersSQL is the page query and the count query ListOrders runs for
// f, with their arguments, for the scale test's EXPLAIN.
func ListOrdersSQL(f OrderFilter) (page string, pageArgs []any, count string, countArgs []any, err error) {
	q, err := buildListQuery(f)
	return q.page, q.pageArgs, q.count, q.countArgs, err
}
