package store

import "context"

// ListCountSQL is one of the count queries ListOrders runs, with its
// arguments (the last one is how many it counts at most), and whether it
// is planned with bitmap scans only.
type ListCountSQL struct {
	SQL     string
	Args    []any
	Bitmaps bool
}

// ListOrdersSQL is the page query and the count queries ListOrders runs
// for f, with their arguments, for the scale test's EXPLAIN.
func (s *Store) ListOrdersSQL(ctx context.Context, f OrderFilter) (page string, pageArgs []any, counts []ListCountSQL, err error) {
	q, err := buildListQuery(f, func(like string) ([]int32, error) { return lineTextsLike(ctx, s.pool, like) })
	if err != nil {
		return "", nil, nil, err
	}
	for _, c := range q.counts {
		counts = append(counts, ListCountSQL{SQL: c.sql, Args: append(c.args, ListCountCap+1), Bitmaps: c.bitmaps})
	}
	return q.page, q.pageArgs, counts, nil
}
