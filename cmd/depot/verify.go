package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// verifyCheckEvery is how often (in commands) the full replay stops to check every invariant;
// a check walks the whole state, so every step would make verification quadratic.
const verifyCheckEvery = 1_000_000

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	dir := fs.String("data", "depot-data", "data directory to verify")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	report, err := verifyData(ctx, *dir)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, report)
	return nil
}

// verifyData replays the journal from the first command into a fresh engine, checking the
// invariants along the way, then recovers the way the server does (newest snapshot plus tail)
// and demands the same state hash from both.
func verifyData(ctx context.Context, dir string) (string, error) {
	started := time.Now()
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", fmt.Errorf("verify: %s is not a data directory: %v", dir, err)
	}
	j, err := journal.OpenFile(dir, journal.FileOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return "", fmt.Errorf("verify: open journal in %s: %w", dir, err)
	}
	defer j.Close()

	full := engine.New()
	var rejected, commands uint64
	dec := depot.NewEnvelopeDecoder()
	err = j.Replay(1, func(e journal.Entry) error {
		if commands%65536 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		env, err := dec.Decode(e.Data)
		if err != nil {
			return fmt.Errorf("seq %d: %w", e.Seq, err)
		}
		if env.Seq != e.Seq || env.Seq != full.LastSeq()+1 {
			return fmt.Errorf("entry %d holds command seq %d after %d", e.Seq, env.Seq, full.LastSeq())
		}
		if res := full.Apply(&env); res.Rejection != nil {
			rejected++
		}
		commands++
		if commands%verifyCheckEvery == 0 {
			if err := full.CheckInvariants(); err != nil {
				return fmt.Errorf("after seq %d: %w", e.Seq, err)
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("verify: replay: %w", err)
	}
	if err := full.CheckInvariants(); err != nil {
		return "", fmt.Errorf("verify: invariants at seq %d: %w", full.LastSeq(), err)
	}
	replayed := time.Since(started)
	recovered, err := sequencer.Recover(j, nil)
	if err != nil {
		return "", fmt.Errorf("verify: recover from snapshot: %w", err)
	}
	fullHash, recHash := full.Hash(), recovered.Hash()
	if fullHash != recHash {
		return "", errors.New("verify: the newest snapshot plus the journal tail disagree with a full replay: hash " +
			hex.EncodeToString(recHash[:]) + " != " + hex.EncodeToString(fullHash[:]))
	}
	snapSeq, _, hasSnap, err := j.LatestSnapshot()
	if err != nil {
		return "", fmt.Errorf("verify: read snapshot: %w", err)
	}
	st := full.Ledger().Stats()
	snap := "none"
	if hasSnap {
		snap = fmt.Sprintf("at seq %d, agrees with full replay", snapSeq)
	}
	rate := float64(commands) / max(replayed.Seconds(), 1e-9)
	return fmt.Sprintf(`verified %s
  commands      %d (%d rejected), last seq %d
  replay        %s (%.0f commands/s)
  snapshot      %s
  invariants    ok
  state         %d tenants, %d SKUs, %d locations, %d positions, %d live reservations, %d allocations
  state hash    %s
`, dir, commands, rejected, full.LastSeq(), replayed.Round(time.Millisecond), rate, snap,
		st.Tenants, st.SKUs, st.Locations, st.Positions, st.ActiveReservations, st.Allocations,
		hex.EncodeToString(fullHash[:])), nil
}
