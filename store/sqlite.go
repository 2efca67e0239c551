package store

import (
	"context"
	"errors"
)

func openSQLite(ctx context.Context, path string, cfg *config) (backend, error) {
	return nil, errors.New("store: the SQLite store is not built yet")
}
