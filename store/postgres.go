package store

import (
	"context"
	"errors"
)

func openPostgres(ctx context.Context, dsn string, cfg *config) (backend, error) {
	return nil, errors.New("store: the PostgreSQL store is not built yet")
}
