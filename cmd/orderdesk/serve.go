package main

import (
	"context"
	"fmt"
	"log/slog"
)

func cmdWorker(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if ok, err := parse(newFlags("worker", "worker"), args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	_, stopAdmin, err := startAdmin(cfg.AdminAddr, log, s.metricsRoute(), s.healthRoute())
	if err != nil {
		return err
	}
	defer stopAdmin()
	log.Info("worker running", "temporal", cfg.TemporalAddress, "namespace", cfg.TemporalNamespace)
	return runWorker(ctx, s)
}

func cmdWeb(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if ok, err := parse(newFlags("web", "web"), args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	_, stopAdmin, err := startAdmin(cfg.AdminAddr, log, s.metricsRoute())
	if err != nil {
		return err
	}
	defer stopAdmin()
	log.Info("agent UI listening", "addr", cfg.WebAddr)
	return runWeb(ctx, s)
}

// metricsRoute is GET /metrics of the admin address: the Temporal SDK's
// metrics and orderdesk's.
func (s *services) metricsRoute() adminRoute {
	return adminRoute{"GET /metrics", s.obs.Metrics()}
}

// healthRoute is GET /healthz of a worker's admin address: 200 while its
// pollers run and it reaches PostgreSQL and Temporal, 503 otherwise.
func (s *services) healthRoute() adminRoute {
	return adminRoute{"GET /healthz", s.health}
}

func cmdMigrate(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if ok, err := parse(newFlags("migrate", "migrate"), args); !ok {
		return err
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is not set: point it at the PostgreSQL database to migrate")
	}
	// A migration may rewrite a large table (building an index on a
	// million orders): no statement limit on its connections.
	cfg.PGStatement = 0
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Println("database is up to date")
	}
	for _, m := range applied {
		fmt.Println("applied", m)
	}
	return nil
}
