package bench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL baseline: the same 3-line orders taken the way a PostgreSQL-based OMS takes
// them, one transaction per order: lock the stock rows in a consistent order (SELECT ... FOR
// UPDATE, sorted by SKU, so concurrent orders never deadlock), check availability, reserve with a
// conditional UPDATE, insert the order and its lines, commit. The server's own durability
// settings apply (fsync and synchronous_commit are reported beside the figure).

// ErrPostgresUnavailable means the baseline could not reach PostgreSQL; callers skip it.
var ErrPostgresUnavailable = errors.New("bench: PostgreSQL unavailable")

// pgConnectTimeout bounds the wait for the first connection, so an absent server fails fast.
const pgConnectTimeout = 5 * time.Second

// The baseline's tables carry a prefix so that it never touches a table of anyone else's.
const pgSchema = `
DROP TABLE IF EXISTS depot_bench_order_lines, depot_bench_orders, depot_bench_stock;
CREATE TABLE depot_bench_stock (
	sku      text   NOT NULL,
	location text   NOT NULL,
	on_hand  bigint NOT NULL,
	reserved bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (sku, location)
);
CREATE TABLE depot_bench_orders (
	id         text        PRIMARY KEY,
	channel    text        NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE depot_bench_order_lines (
	order_id text   NOT NULL REFERENCES depot_bench_orders (id),
	line_no  int    NOT NULL,
	sku      text   NOT NULL,
	location text   NOT NULL,
	qty      bigint NOT NULL,
	PRIMARY KEY (order_id, line_no)
);
`

// pgStock stocks every SKU of the order catalogue at the order location, deep enough that no
// order of any run is refused.
const pgStock = `INSERT INTO depot_bench_stock (sku, location, on_hand)
	SELECT 'sku-' || g, $1, 1000000000 FROM generate_series(0, $2 - 1) AS g`

const (
	pgLock = `SELECT sku, on_hand - reserved FROM depot_bench_stock
		WHERE location = $1 AND sku = ANY($2) ORDER BY sku FOR UPDATE`
	pgReserve = `UPDATE depot_bench_stock AS s SET reserved = s.reserved + v.qty
		FROM unnest($2::text[], $3::bigint[]) AS v(sku, qty)
		WHERE s.location = $1 AND s.sku = v.sku AND s.on_hand - s.reserved >= v.qty`
	pgInsertOrder = `INSERT INTO depot_bench_orders (id, channel) VALUES ($1, 'web')`
	pgInsertLines = `INSERT INTO depot_bench_order_lines (order_id, line_no, sku, location, qty)
		SELECT $1, v.n, v.sku, $2, v.qty FROM unnest($3::text[], $4::bigint[]) WITH ORDINALITY AS v(sku, qty, n)`
	pgDrop = `DROP TABLE IF EXISTS depot_bench_order_lines, depot_bench_orders, depot_bench_stock`
)

// PostgresResult is the baseline's figure and the server it was measured on.
type PostgresResult struct {
	OrdersResult
	Server            string `json:"server"`
	Fsync             string `json:"fsync"`
	SynchronousCommit string `json:"synchronous_commit"`
}

// Postgres takes the orders through PostgreSQL at dsn with conns connections (one transaction per
// order, each connection a caller) and measures throughput and per-order latency. Its tables are
// created fresh and dropped afterwards. An unreachable server is ErrPostgresUnavailable.
func Postgres(ctx context.Context, dsn string, orders []Order, conns int) (res PostgresResult, err error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return res, fmt.Errorf("%w: DSN %s: %v", ErrPostgresUnavailable, RedactDSN(dsn), err)
	}
	cfg.MaxConns, cfg.MinConns = int32(conns), int32(conns)
	cfg.ConnConfig.ConnectTimeout = pgConnectTimeout
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return res, fmt.Errorf("%w: %s: %v", ErrPostgresUnavailable, RedactDSN(dsn), err)
	}
	defer pool.Close()
	pingCtx, cancel := context.WithTimeout(ctx, pgConnectTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		return res, fmt.Errorf("%w: %s: %v", ErrPostgresUnavailable, RedactDSN(dsn), err)
	}
	if err := pool.QueryRow(ctx, `SELECT split_part(version(), ' ', 1) || ' ' || split_part(version(), ' ', 2),
		current_setting('fsync'), current_setting('synchronous_commit')`).Scan(&res.Server, &res.Fsync, &res.SynchronousCommit); err != nil {
		return res, fmt.Errorf("bench: postgres: read settings: %w", err)
	}
	if _, err := pool.Exec(ctx, pgSchema); err != nil {
		return res, fmt.Errorf("bench: postgres: create schema: %w", err)
	}
	defer func() {
		if _, derr := pool.Exec(context.WithoutCancel(ctx), pgDrop); derr != nil && err == nil {
			err = fmt.Errorf("bench: postgres: drop tables: %w", derr)
		}
	}()
	if _, err := pool.Exec(ctx, pgStock, orderLocation, orderSKUs); err != nil {
		return res, fmt.Errorf("bench: postgres: stock: %w", err)
	}
	// Wait until every connection is open, so that connecting is not timed.
	for pool.Stat().TotalConns() < int32(conns) {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		time.Sleep(10 * time.Millisecond)
	}
	lat, took, err := drive(ctx, len(orders), conns, func(i int) error { return pgOrder(ctx, pool, &orders[i]) })
	if err != nil {
		return res, fmt.Errorf("bench: postgres: %w", err)
	}
	res.OrdersResult = OrdersResult{System: "postgres", Orders: len(orders), Concurrency: conns, Latency: lat, OrdersPerSec: rate(len(orders), took)}
	return res, nil
}

// pgOrder is one order's transaction.
func pgOrder(ctx context.Context, pool *pgxpool.Pool, o *Order) error {
	skus := make([]string, orderLines)
	qtys := make([]int64, orderLines)
	for k, l := range o.Lines {
		skus[k], qtys[k] = l.SKU, l.Qty
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, pgLock, orderLocation, skus)
		if err != nil {
			return fmt.Errorf("lock stock: %w", err)
		}
		locked := 0
		for rows.Next() {
			var sku string
			var atp int64
			if err := rows.Scan(&sku, &atp); err != nil {
				rows.Close()
				return fmt.Errorf("lock stock: %w", err)
			}
			for k := range skus {
				if skus[k] == sku && atp < qtys[k] {
					rows.Close()
					return fmt.Errorf("order %s: %s has %d available, needs %d: %w", o.ID, sku, atp, qtys[k], errRejected)
				}
			}
			locked++
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("lock stock: %w", err)
		}
		if locked != orderLines {
			return fmt.Errorf("order %s: %d of %d stock rows found: %w", o.ID, locked, orderLines, errRejected)
		}
		tag, err := tx.Exec(ctx, pgReserve, orderLocation, skus, qtys)
		if err != nil {
			return fmt.Errorf("reserve: %w", err)
		}
		if tag.RowsAffected() != orderLines {
			return fmt.Errorf("order %s: reserved %d of %d lines: %w", o.ID, tag.RowsAffected(), orderLines, errRejected)
		}
		if _, err := tx.Exec(ctx, pgInsertOrder, o.ID); err != nil {
			return fmt.Errorf("insert order: %w", err)
		}
		if _, err := tx.Exec(ctx, pgInsertLines, o.ID, orderLocation, skus, qtys); err != nil {
			return fmt.Errorf("insert lines: %w", err)
		}
		return nil
	})
}

// RedactDSN hides the password of a DSN so that it can be printed.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if strings.Contains(dsn, "password=") {
			return "(a DSN with a password)"
		}
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
