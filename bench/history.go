package bench

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
)

// History describes a journal written by BuildHistory.
type History struct {
	Commands int `json:"commands"`
	// Rejected is how many of the mix's commands the engine refused (a reserve short of stock).
	Rejected     int     `json:"rejected"`
	JournalBytes int64   `json:"journal_bytes"`
	SnapshotSeq  uint64  `json:"snapshot_seq"`
	BuildSeconds float64 `json:"build_seconds"`
}

// BuildHistory writes n commands of a realistic mix to a file journal in dir, as the sequencer
// would (stamped envelopes, one append and fsync per batch of depot.MaxBatch), with a snapshot
// every snapshotEvery commands strictly below n. The mix: orders reserve one to three lines (half
// placed by the channel's policy), seven in ten are committed and shipped a few commands later,
// the rest released; every twentieth command is a receipt, every thousandth a tick.
func BuildHistory(dir string, n int, snapshotEvery int64) (History, error) {
	started := time.Now()
	j, err := journal.OpenFile(dir, journal.FileOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return History{}, fmt.Errorf("bench: open journal in %s: %w", dir, err)
	}
	defer j.Close()
	if j.LastSeq() != 0 {
		return History{}, errf("%s already holds a journal", dir)
	}
	e := engine.New()
	setup := catalogue(historySKUs, historyLocations, depot.MaxQty/2)
	mix := &historyMix{rng: rand.New(rand.NewPCG(1, 2))}
	var (
		buf     []byte
		entries []journal.Entry
		ends    []int
		h       History
	)
	flush := func() error {
		off := 0
		for i, end := range ends {
			entries[i].Data = buf[off:end:end]
			off = end
		}
		if err := j.Append(entries); err != nil {
			return fmt.Errorf("bench: write history: %w", err)
		}
		buf, entries, ends = buf[:0], entries[:0], ends[:0]
		return nil
	}
	for i := range n {
		var cmd depot.Command
		if i < len(setup) {
			cmd = setup[i]
		} else {
			cmd = mix.next(i)
		}
		env := depot.Envelope{Seq: uint64(i + 1), Time: benchEpoch + int64(i)*historyTimeStep, Cmd: cmd}
		if res := e.Apply(&env); !res.OK() {
			if i < len(setup) {
				return History{}, errf("history setup %s rejected: %v", cmd.Kind(), res.Rejection)
			}
			h.Rejected++
		}
		buf = depot.AppendEnvelope(buf, &env)
		entries = append(entries, journal.Entry{Seq: env.Seq})
		ends = append(ends, len(buf))
		snap := int64(env.Seq)%snapshotEvery == 0 && int(env.Seq) < n
		if len(entries) == depot.MaxBatch || snap || i == n-1 {
			if err := flush(); err != nil {
				return History{}, err
			}
		}
		if snap {
			if err := j.SaveSnapshot(env.Seq, e.AppendSnapshot(nil)); err != nil {
				return History{}, fmt.Errorf("bench: snapshot at %d: %w", env.Seq, err)
			}
			h.SnapshotSeq = env.Seq
		}
	}
	if err := j.Close(); err != nil {
		return History{}, fmt.Errorf("bench: close history journal: %w", err)
	}
	// A replay of refusals measures refusals: the history must be the mix it claims.
	if h.Rejected*1000 > n*historyMaxRejectedPer1000 {
		return History{}, errf("%d of %d history commands were refused", h.Rejected, n)
	}
	h.Commands = n
	h.BuildSeconds = time.Since(started).Seconds()
	h.JournalBytes, err = segmentBytes(dir)
	return h, err
}

// historyMix generates the history's commands; follow-ups (commit and ship, or release) of a
// reserve are emitted a few commands after it, interleaved with new orders.
type historyMix struct {
	rng     *rand.Rand
	pending []depot.Command
}

// historyFollowUpsMax bounds the follow-ups waiting in a history mix. A reserve brings 1.7 of
// them on average, so taking one at even odds alone let the backlog grow with the history:
// at 10M commands the follow-ups came hours of logical time after their reserves, which had
// expired, and 37% of the history was refusals of commits and shipments.
const historyFollowUpsMax = 16

func (m *historyMix) next(i int) depot.Command {
	switch {
	case i%1000 == 0:
		return &depot.Tick{}
	case i%20 == 0:
		return &depot.Receive{Tenant: tenant, ID: "hist-rcv-" + strconv.Itoa(i), SKU: skuID(m.rng.IntN(historySKUs)),
			Location: locID(m.rng.IntN(historyLocations)), Qty: 100}
	case len(m.pending) >= historyFollowUpsMax || len(m.pending) > 0 && m.rng.IntN(2) == 0:
		c := m.pending[0]
		m.pending = m.pending[1:]
		return c
	}
	id := "hist-r-" + strconv.Itoa(i)
	lines := make([]depot.ReserveLine, 1+m.rng.IntN(3))
	for k := range lines {
		lines[k] = depot.ReserveLine{SKU: skuID(m.rng.IntN(historySKUs)), Qty: int64(1 + m.rng.IntN(2))}
		if m.rng.IntN(2) == 0 {
			lines[k].Location = locID(m.rng.IntN(historyLocations))
		}
	}
	if m.rng.IntN(10) < 7 {
		order := "hist-o-" + strconv.Itoa(i)
		m.pending = append(m.pending, &depot.Commit{Tenant: tenant, Reservation: id, Order: order},
			&depot.Ship{Tenant: tenant, ID: "hist-s-" + strconv.Itoa(i), Order: order})
	} else {
		m.pending = append(m.pending, &depot.Release{Tenant: tenant, Reservation: id})
	}
	return &depot.Reserve{Tenant: tenant, Reservation: id, Channel: "web", Lines: lines}
}

// segmentBytes sums the sizes of the journal's segment files (named *.seg, see journal's doc).
func segmentBytes(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("bench: read %s: %w", dir, err)
	}
	var total int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".seg") {
			continue
		}
		info, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			return 0, fmt.Errorf("bench: stat segment: %w", err)
		}
		total += info.Size()
	}
	return total, nil
}

// ReplayResult is how fast a full replay of the file journal runs: read, decode and apply.
type ReplayResult struct {
	Commands       int     `json:"commands"`
	Seconds        float64 `json:"seconds"`
	CommandsPerSec float64 `json:"commands_per_sec"`
}

// Replay replays the whole journal in dir from the first command into a fresh engine, as `depot
// verify` does, and times it.
func Replay(dir string) (ReplayResult, error) {
	j, err := journal.OpenFile(dir, journal.FileOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return ReplayResult{}, fmt.Errorf("bench: open journal in %s: %w", dir, err)
	}
	defer j.Close()
	e := engine.New()
	started := time.Now()
	if err := sequencer.ReplayInto(e, j); err != nil {
		return ReplayResult{}, fmt.Errorf("bench: replay: %w", err)
	}
	took := time.Since(started)
	n := int(e.LastSeq())
	return ReplayResult{Commands: n, Seconds: took.Seconds(), CommandsPerSec: rate(n, took)}, nil
}

// StartupResult is how long a server takes from opening its data directory to taking commands.
type StartupResult struct {
	Commands    int     `json:"commands"`
	SnapshotSeq uint64  `json:"snapshot_seq"`
	TailReplay  int     `json:"tail_commands"`
	Seconds     float64 `json:"seconds"`
	// FreshProcess is set when the start-up ran in a process of its own, as a server's does,
	// rather than in one whose heap other workloads had already grown.
	FreshProcess bool `json:"fresh_process"`
}

// Startup opens the journal in dir and a sequencer over it (newest snapshot, then the tail), the
// way `depot serve` starts, and times it until the sequencer takes commands.
func Startup(dir string) (StartupResult, error) {
	quiet := slog.New(slog.DiscardHandler)
	started := time.Now()
	j, err := journal.OpenFile(dir, journal.FileOptions{Logger: quiet})
	if err != nil {
		return StartupResult{}, fmt.Errorf("bench: open journal in %s: %w", dir, err)
	}
	s, err := sequencer.Open(j, sequencer.Options{Logger: quiet})
	took := time.Since(started)
	if err != nil {
		j.Close()
		return StartupResult{}, fmt.Errorf("bench: start sequencer: %w", err)
	}
	last := s.DurableSeq()
	if err := closeSequencer(s, j); err != nil {
		return StartupResult{}, err
	}
	res := StartupResult{Commands: int(last), Seconds: took.Seconds()}
	j2, err := journal.OpenFile(dir, journal.FileOptions{Logger: quiet})
	if err != nil {
		return res, fmt.Errorf("bench: reopen journal: %w", err)
	}
	defer j2.Close()
	seq, _, ok, err := j2.LatestSnapshot()
	if err != nil {
		return res, fmt.Errorf("bench: read snapshot: %w", err)
	}
	if ok {
		res.SnapshotSeq = seq
	}
	res.TailReplay = int(last - res.SnapshotSeq)
	return res, nil
}
