// Package dst is Depot's deterministic simulation test: the real sequencer, engine and file
// journal run on a simulated clock and a simulated disk (package sim/disk), driven by one seed,
// with faults injected: torn and lost unsynced writes at crashes, fsync and write errors, a full
// disk, corrupted sectors, and crashes and restarts at random points.
//
// After every step it checks every invariant of the ledger; after every restart it checks that
// every acknowledged command is in the journal, in order, with the same bytes and the same result
// when replayed; that any extra command recovered was one submitted but not acknowledged; that the
// recovered state hash equals a clean replay's; and that a corruption that cannot be repaired
// stops recovery with an error rather than serving wrong data.
//
// A run is a pure function of its seed: submissions come from one goroutine, snapshots are saved
// inline, and every fault decision depends on the seed and the file's own operation count.
package dst

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"slices"

	"github.com/depothq/depot"
	"github.com/depothq/depot/engine"
	"github.com/depothq/depot/journal"
	"github.com/depothq/depot/sequencer"
	"github.com/depothq/depot/sim/disk"
)

// Config is one simulation run.
type Config struct {
	Seed  uint64
	Steps int
	// Faults are the disk's; DefaultFaults is a busy mix.
	Faults disk.Faults
	// CrashPPM is the chance, per step, of a crash and restart.
	CrashPPM int
	// CorruptPPM is the chance, per restart, of flipping a durable byte of a sealed segment or a
	// snapshot before recovery.
	CorruptPPM int
}

// DefaultFaults is the fault mix CI runs with: frequent enough that a few hundred steps see
// each kind several times.
var DefaultFaults = disk.Faults{SyncErrorPPM: 5_000, WriteErrorPPM: 2_000, TornPPM: 300_000, GarblePPM: 300_000, CrashPPM: 10_000}

// Report is what a run did. DataLost counts acknowledged commands missing or changed after a
// recovery; a correct run always reports zero (Run returns an error otherwise).
type Report struct {
	Seed                uint64 `json:"seed"`
	Steps               int    `json:"steps"`
	Submitted           int    `json:"submitted"`
	Acknowledged        int    `json:"acknowledged"`
	Rejected            int    `json:"rejected"`
	Refused             int    `json:"refused_before_sequencing"`
	Restarts            int    `json:"restarts"`
	Crashes             int    `json:"crashes"`
	FailStops           int    `json:"fail_stops"`
	RecoveredUnacked    int    `json:"recovered_unacknowledged"`
	OrdersPlaced        int    `json:"orders_placed"`
	Corruptions         int    `json:"corruptions_injected"`
	CorruptionsDetected int    `json:"corruptions_detected"`
	Disk                disk.Counts
	DataLost            int `json:"data_lost"`
	HaltedOnCorruption  bool
}

// acked is what a caller was told about one command.
type acked struct {
	seq       uint64
	cmd       []byte // depot.AppendCommand encoding
	rejection string
	events    []depot.Event
}

type run struct {
	cfg    Config
	rng    *rand.Rand
	disk   *disk.Disk
	clock  int64
	report Report
	acked  []acked
	// inflight holds the commands of a submission that failed: they may or may not survive.
	inflight [][]byte
	work     *workload
}

const dir = "/depot"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Run executes one simulation and returns its report, or the first violated property.
func Run(cfg Config) (Report, error) {
	r := &run{
		cfg:   cfg,
		rng:   rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		disk:  disk.New(cfg.Seed, cfg.Faults),
		clock: 1_800_000_000 * 1e9,
	}
	r.work = &workload{rng: rand.New(rand.NewPCG(cfg.Seed, 0x10ad))}
	r.report.Seed = cfg.Seed
	setup := r.work.catalogue()
	for r.report.Steps < cfg.Steps {
		halted, err := r.life(&setup)
		if err != nil {
			r.report.Disk = r.disk.Counts()
			return r.report, fmt.Errorf("dst seed %d step %d: %w", cfg.Seed, r.report.Steps, err)
		}
		if halted {
			break
		}
	}
	r.report.Disk = r.disk.Counts()
	r.report.OrdersPlaced = len(r.work.placed)
	return r.report, nil
}

// life is one process lifetime: recover, check, run steps until a crash or a fail-stop.
func (r *run) life(setup *[]depot.Command) (halted bool, err error) {
	r.disk.Restart()
	if r.report.Restarts > 0 && r.roll(r.cfg.CorruptPPM) {
		r.corrupt()
	}
	r.report.Restarts++
	j, err := journal.OpenFile(dir, journal.FileOptions{FS: r.disk, SegmentMaxBytes: 16 << 10, Logger: quiet})
	if err != nil {
		return r.haltOrFail(err)
	}
	defer j.Close()
	if err := r.checkRecovered(j); err != nil {
		return r.haltOrFail(err)
	}
	s, err := sequencer.Open(j, sequencer.Options{
		Clock: func() int64 { return r.clock }, SnapshotEvery: int64(20 + r.rng.IntN(200)),
		InlineSnapshots: true, Logger: quiet,
	})
	if err != nil {
		return r.haltOrFail(err)
	}
	ctx := context.Background()
	for r.report.Steps < r.cfg.Steps {
		r.report.Steps++
		r.clock += int64(r.rng.IntN(5_000)) * 1e6 // up to 5 s per step, so TTLs expire
		var batch []depot.Command
		if len(*setup) > 0 {
			batch, *setup = *setup, nil
		} else {
			batch = make([]depot.Command, 1+r.rng.IntN(8))
			for i := range batch {
				batch[i] = r.work.command()
			}
		}
		r.report.Submitted += len(batch)
		results, err := s.SubmitBatch(ctx, batch)
		if err != nil {
			if !errors.Is(err, sequencer.ErrFailed) {
				return false, fmt.Errorf("submit: %w", err)
			}
			r.report.FailStops++
			for _, c := range batch {
				if c.Validate() == nil {
					r.inflight = append(r.inflight, depot.AppendCommand(nil, c))
				}
			}
			if len(*setup) == 0 && r.report.Acknowledged == 0 {
				*setup = r.work.catalogue()
			}
			r.crash(s)
			return false, nil
		}
		for i, res := range results {
			r.work.observe(batch[i], res)
			if res.Seq == 0 {
				r.report.Refused++
				continue
			}
			a := acked{seq: res.Seq, cmd: depot.AppendCommand(nil, batch[i]), events: append([]depot.Event(nil), res.Events...)}
			if res.Rejection != nil {
				a.rejection = res.Rejection.Error()
				r.report.Rejected++
			}
			if n := len(r.acked); n > 0 && r.acked[n-1].seq >= a.seq {
				return false, fmt.Errorf("acknowledged seq %d after %d", a.seq, r.acked[n-1].seq)
			}
			r.acked = append(r.acked, a)
			r.report.Acknowledged++
		}
		if err := s.Read(ctx, func(e *engine.Engine) { err = e.CheckInvariants() }); err != nil {
			return false, fmt.Errorf("read: %w", err)
		}
		if err != nil {
			return false, fmt.Errorf("invariants after seq %d: %w", r.acked[len(r.acked)-1].seq, err)
		}
		if r.roll(r.cfg.CrashPPM) {
			r.crash(s)
			return false, nil
		}
	}
	// A clean shutdown: everything acknowledged, a final snapshot; the next life must agree.
	if err := s.Close(); err != nil {
		return false, fmt.Errorf("close: %w", err)
	}
	j.Close()
	r.disk.Restart()
	j2, err := journal.OpenFile(dir, journal.FileOptions{FS: r.disk, SegmentMaxBytes: 16 << 10, Logger: quiet})
	if err != nil {
		return false, fmt.Errorf("reopen after clean shutdown: %w", err)
	}
	defer j2.Close()
	return false, r.checkRecovered(j2)
}

func (r *run) crash(s *sequencer.Sequencer) {
	r.disk.Crash() // a no-op if the disk already died mid-write
	r.report.Crashes++
	// The process is dead; its goroutines only meet a dead disk now.
	_ = s.Close()
}

func (r *run) roll(ppm int) bool { return r.rng.IntN(1_000_000) < ppm }

// corrupt flips a durable byte of a sealed segment or a snapshot: damage the journal must detect
// (or route around, for an older snapshot) but cannot repair. The last segment's tail is spared:
// bit rot there is indistinguishable from a torn write and is truncated, which a single copy of
// the log cannot avoid.
func (r *run) corrupt() {
	files := r.disk.Files()
	var names []string
	var last string
	for name := range files {
		if len(name) > 4 && name[len(name)-4:] == ".seg" && name > last {
			last = name
		}
	}
	for name, size := range files {
		if size > 0 && name != last && (len(name) > 5 && (name[len(name)-4:] == ".seg" || name[len(name)-5:] == ".snap")) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	slices.Sort(names)
	name := names[r.rng.IntN(len(names))]
	if err := r.disk.Corrupt(name, int64(r.rng.IntN(int(files[name])))); err == nil {
		r.report.Corruptions++
	}
}

// haltOrFail accepts a recovery error only when a corruption was injected and the error says
// what is damaged.
func (r *run) haltOrFail(err error) (bool, error) {
	if r.disk.Down() {
		// The machine died again during recovery (a crash while truncating a torn tail, say):
		// nothing to judge yet, the next life recovers.
		r.report.Crashes++
		return false, nil
	}
	if errors.Is(err, disk.ErrInjectedSync) || errors.Is(err, disk.ErrInjectedWrite) || errors.Is(err, disk.ErrFull) {
		// Recovery met an I/O error and refused to start: the right answer. The process exits
		// and the machine may lose what was not synced.
		r.report.FailStops++
		r.disk.Crash()
		r.report.Crashes++
		return false, nil
	}
	var ce *journal.CorruptionError
	if r.report.Corruptions > 0 && (errors.As(err, &ce) || errors.Is(err, depot.ErrCodec)) {
		r.report.CorruptionsDetected++
		r.report.HaltedOnCorruption = true
		return true, nil
	}
	return false, err
}

// checkRecovered replays the whole journal into a fresh engine and compares it with what the
// callers were told, and with what recovery (snapshot plus tail) builds.
func (r *run) checkRecovered(j journal.Journal) error {
	fresh := engine.New()
	i := 0
	var extra [][]byte
	err := j.Replay(1, func(e journal.Entry) error {
		env, err := depot.DecodeEnvelope(e.Data)
		if err != nil {
			return err
		}
		res := fresh.Apply(&env)
		cmd := depot.AppendCommand(nil, env.Cmd)
		if i < len(r.acked) {
			a := &r.acked[i]
			i++
			if a.seq != e.Seq || string(a.cmd) != string(cmd) {
				r.report.DataLost++
				return fmt.Errorf("acknowledged seq %d: journal holds seq %d with other content", a.seq, e.Seq)
			}
			rej := ""
			if res.Rejection != nil {
				rej = res.Rejection.Error()
			}
			if rej != a.rejection || !sameEvents(res.Events, a.events) {
				return fmt.Errorf("seq %d replays to another result: %q %v, acknowledged %q %v", e.Seq, rej, res.Events, a.rejection, a.events)
			}
			return nil
		}
		extra = append(extra, cmd)
		r.acked = append(r.acked, acked{seq: e.Seq, cmd: cmd, rejection: rejString(res.Rejection), events: append([]depot.Event(nil), res.Events...)})
		i++
		return nil
	})
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	if i < len(r.acked) {
		r.report.DataLost += len(r.acked) - i
		return fmt.Errorf("journal ends after %d commands, %d were acknowledged", i, len(r.acked))
	}
	// Commands recovered beyond the acknowledged ones must be a prefix of the failed submission.
	for k, c := range extra {
		if k >= len(r.inflight) || string(r.inflight[k]) != string(c) {
			return fmt.Errorf("recovered a command that was never submitted: %x", c)
		}
	}
	r.report.RecoveredUnacked += len(extra)
	r.inflight = nil
	if err := fresh.CheckInvariants(); err != nil {
		return fmt.Errorf("invariants after full replay: %w", err)
	}
	recovered, err := sequencer.Recover(j, nil)
	if err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	if recovered.Hash() != fresh.Hash() {
		return fmt.Errorf("recovered state (snapshot %d + tail) differs from a full replay", recovered.LastSeq())
	}
	return nil
}

func rejString(r *depot.Rejection) string {
	if r == nil {
		return ""
	}
	return r.Error()
}

func sameEvents(a, b []depot.Event) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}
