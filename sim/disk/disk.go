// Package disk is a simulated disk for deterministic simulation testing: an in-memory
// implementation of journal.FS that breaks exactly the guarantees the journal relies on, driven
// by one seed. Writes are durable only after a successful Sync, names only after SyncDir; a
// Crash throws away what was not durable, keeping a torn, possibly garbled prefix of the unsynced
// writes; fsync and write errors and a full disk are injected with configured probabilities;
// Corrupt flips bits in durable data, which the journal must detect rather than serve.
//
// Every fault decision is a pure function of the seed, the path and that path's own operation
// count, so a run reproduces from its seed even if goroutines interleave operations on
// different files differently. The package owns no real files and must never touch the OS disk.
package disk

import (
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/depothq/depot/journal"
)

// Errors the disk injects; the journal must treat them like real I/O errors.
var (
	ErrInjectedSync  = errors.New("disk: injected fsync failure")
	ErrInjectedWrite = errors.New("disk: injected write failure")
	ErrFull          = errors.New("disk: no space left on device")
	ErrCrashed       = errors.New("disk: the machine crashed; this handle is gone")
	errNotExist      = errors.New("disk: file does not exist")
	errExist         = errors.New("disk: file exists")
)

// Faults sets the probabilities (in parts per million per operation) and sizes of the faults.
type Faults struct {
	SyncErrorPPM  int
	WriteErrorPPM int
	// CapacityBytes, when positive, is the total size of all files; writes past it fail ErrFull.
	CapacityBytes int64
	// TornPPM is the chance, at a crash, that the last unsynced write of a file is kept partly
	// (a torn write) rather than whole or not at all; GarblePPM that the kept part is garbage.
	TornPPM   int
	GarblePPM int
	// CrashPPM is the chance that the machine dies during a write or a sync, after the write
	// reached the page cache but before anything more: the crash a group commit must survive.
	CrashPPM int
}

// Counts is what the disk did, for the simulation's report.
type Counts struct {
	Writes, Syncs, SyncErrors, WriteErrors, FullErrors, Crashes, TornWrites, GarbledWrites, LostWrites, Corruptions int
}

// Disk is the simulated disk. It is safe for concurrent use.
type Disk struct {
	mu     sync.Mutex
	seed   uint64
	faults Faults
	// files maps current names to inodes; durable maps the names that survive a crash.
	files   map[string]*inode
	durable map[string]*inode
	dirs    map[string]bool
	epoch   int // bumped at every crash: handles from older epochs are dead
	down    bool
	counts  Counts
}

type inode struct {
	data    []byte // what reads see now
	synced  []byte // what survives a crash
	pending []write
	ops     uint64
}

// write is one unsynced change: data at off, or, with truncate, a new length off.
type write struct {
	off      int64
	data     []byte
	truncate bool
}

func (w write) apply(data []byte) []byte {
	if w.truncate {
		if w.off < int64(len(data)) {
			return data[:w.off:w.off]
		}
		return append(data, make([]byte, w.off-int64(len(data)))...)
	}
	return writeAt(data, w.off, w.data)
}

// New returns an empty disk whose faults derive from seed.
func New(seed uint64, f Faults) *Disk {
	return &Disk{seed: seed, faults: f, files: map[string]*inode{}, durable: map[string]*inode{}, dirs: map[string]bool{}}
}

var _ journal.FS = (*Disk)(nil)

// roll returns a deterministic number in [0, 1e6) for the op-th operation of kind on name:
// FNV-1a over the seed, the operation number, the name and the kind, finished with a
// splitmix64 step so nearby inputs give unrelated rolls.
func (d *Disk) roll(name, kind string, op uint64) int {
	h := uint64(14695981039346656037)
	mix := func(b byte) { h = (h ^ uint64(b)) * 1099511628211 }
	for i := range 8 {
		mix(byte(d.seed >> (8 * i)))
		mix(byte(op >> (8 * i)))
	}
	for i := 0; i < len(name); i++ {
		mix(name[i])
	}
	mix(0)
	for i := 0; i < len(kind); i++ {
		mix(kind[i])
	}
	h += 0x9e3779b97f4a7c15
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9
	h = (h ^ (h >> 27)) * 0x94d049bb133111eb
	h ^= h >> 31
	return int(h % 1_000_000)
}

// Counts returns what happened so far.
func (d *Disk) Counts() Counts {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.counts
}

// Crash simulates power loss: every open handle dies, names revert to their durable set, and
// each file keeps its synced data plus, in order, each unsynced write whole, torn or not at all
// (after the first one not kept, none later is). The disk then refuses every operation until
// Restart, because a dead process cannot write.
func (d *Disk) Crash() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.crashLocked()
}

// Down reports whether the disk crashed and awaits Restart.
func (d *Disk) Down() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.down
}

func (d *Disk) crashLocked() {
	if d.down {
		return
	}
	d.epoch++
	d.down = true
	d.counts.Crashes++
	d.files = make(map[string]*inode, len(d.durable))
	for _, name := range sortedKeys(d.durable) {
		ino := d.durable[name]
		d.files[name] = ino
		data := slices.Clone(ino.synced)
		for i, w := range ino.pending {
			r := d.roll(name, fmt.Sprintf("crash%d/%d", d.epoch, i), ino.ops)
			switch {
			case r < 1_000_000/3:
				// Lost, and so is everything after it: the device wrote in order.
				d.counts.LostWrites += len(ino.pending) - i
			case r < 1_000_000/3+d.faults.TornPPM && !w.truncate:
				keep := w.data[:int(uint64(r)%uint64(len(w.data)+1))]
				if d.roll(name, fmt.Sprintf("garble%d/%d", d.epoch, i), ino.ops) < d.faults.GarblePPM {
					keep = slices.Clone(keep)
					for k := range keep {
						keep[k] ^= byte(d.roll(name, "g", uint64(k)))
					}
					d.counts.GarbledWrites++
				}
				data = writeAt(data, w.off, keep)
				d.counts.TornWrites++
				d.counts.LostWrites += len(ino.pending) - i - 1
			default:
				data = w.apply(data)
				continue
			}
			break
		}
		ino.data = data
		ino.synced = slices.Clone(data)
		ino.pending = nil
	}
}

// Restart brings the disk back for the next process.
func (d *Disk) Restart() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.down = false
}

// Corrupt flips one byte of durable data at off in the file, as a bad sector would.
func (d *Disk) Corrupt(name string, off int64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	ino := d.durable[name]
	if ino == nil || off < 0 || off >= int64(len(ino.synced)) {
		return fmt.Errorf("disk: corrupt %s at %d: no such durable byte", name, off)
	}
	ino.synced[off] ^= 0x5a
	if off < int64(len(ino.data)) {
		ino.data[off] ^= 0x5a
	}
	d.counts.Corruptions++
	return nil
}

// Files lists the durable files and their sizes, sorted by name.
func (d *Disk) Files() map[string]int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int64, len(d.durable))
	for name, ino := range d.durable {
		out[name] = int64(len(ino.synced))
	}
	return out
}

func (d *Disk) used() int64 {
	var n int64
	for _, ino := range d.files {
		n += int64(len(ino.data))
	}
	return n
}

// MkdirAll implements journal.FS; directories are durable at once (the journal syncs them anyway).
func (d *Disk) MkdirAll(dir string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return ErrCrashed
	}
	d.dirs[path.Clean(dir)] = true
	return nil
}

// ReadDir implements journal.FS.
func (d *Disk) ReadDir(dir string) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return nil, ErrCrashed
	}
	dir = path.Clean(dir)
	var names []string
	for name := range d.files {
		if path.Dir(name) == dir {
			names = append(names, path.Base(name))
		}
	}
	slices.Sort(names)
	return names, nil
}

// Create implements journal.FS.
func (d *Disk) Create(p string) (journal.FSFile, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return nil, ErrCrashed
	}
	p = path.Clean(p)
	if d.files[p] != nil {
		return nil, fmt.Errorf("create %s: %w", p, errExist)
	}
	ino := &inode{}
	d.files[p] = ino
	return &handle{d: d, name: p, ino: ino, epoch: d.epoch}, nil
}

// Open implements journal.FS.
func (d *Disk) Open(p string) (journal.FSFile, error) { return d.open(p, true) }

// OpenWrite implements journal.FS.
func (d *Disk) OpenWrite(p string) (journal.FSFile, error) { return d.open(p, false) }

func (d *Disk) open(p string, readOnly bool) (journal.FSFile, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return nil, ErrCrashed
	}
	p = path.Clean(p)
	ino := d.files[p]
	if ino == nil {
		return nil, fmt.Errorf("open %s: %w", p, errNotExist)
	}
	return &handle{d: d, name: p, ino: ino, epoch: d.epoch, readOnly: readOnly}, nil
}

// Rename implements journal.FS.
func (d *Disk) Rename(oldpath, newpath string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return ErrCrashed
	}
	oldpath, newpath = path.Clean(oldpath), path.Clean(newpath)
	ino := d.files[oldpath]
	if ino == nil {
		return fmt.Errorf("rename %s: %w", oldpath, errNotExist)
	}
	delete(d.files, oldpath)
	d.files[newpath] = ino
	return nil
}

// Remove implements journal.FS.
func (d *Disk) Remove(p string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return ErrCrashed
	}
	p = path.Clean(p)
	if d.files[p] == nil {
		return fmt.Errorf("remove %s: %w", p, errNotExist)
	}
	delete(d.files, p)
	return nil
}

// SyncDir implements journal.FS: the current names under dir become the durable ones.
func (d *Disk) SyncDir(dir string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return ErrCrashed
	}
	dir = path.Clean(dir)
	for name := range d.durable {
		if path.Dir(name) == dir {
			if _, ok := d.files[name]; !ok {
				delete(d.durable, name)
			}
		}
	}
	for name, ino := range d.files {
		if path.Dir(name) == dir {
			d.durable[name] = ino
		}
	}
	return nil
}

type handle struct {
	d        *Disk
	name     string
	ino      *inode
	epoch    int
	readOnly bool
	closed   bool
}

func (h *handle) check() error {
	if h.epoch != h.d.epoch || h.d.down {
		return ErrCrashed
	}
	if h.closed {
		return errors.New("disk: handle closed")
	}
	return nil
}

func (h *handle) ReadAt(p []byte, off int64) (int, error) {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	if err := h.check(); err != nil {
		return 0, err
	}
	if off >= int64(len(h.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, h.ino.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (h *handle) WriteAt(p []byte, off int64) (int, error) {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	if err := h.check(); err != nil {
		return 0, err
	}
	if h.readOnly {
		return 0, errors.New("disk: write to a read-only handle")
	}
	h.ino.ops++
	h.d.counts.Writes++
	if h.d.roll(h.name, "write", h.ino.ops) < h.d.faults.WriteErrorPPM {
		h.d.counts.WriteErrors++
		return 0, ErrInjectedWrite
	}
	if c := h.d.faults.CapacityBytes; c > 0 {
		grow := off + int64(len(p)) - int64(len(h.ino.data))
		if grow > 0 && h.d.used()+grow > c {
			h.d.counts.FullErrors++
			return 0, ErrFull
		}
	}
	data := slices.Clone(p)
	h.ino.data = writeAt(h.ino.data, off, data)
	h.ino.pending = append(h.ino.pending, write{off: off, data: data})
	if h.d.roll(h.name, "crash-write", h.ino.ops) < h.d.faults.CrashPPM {
		h.d.crashLocked()
		return 0, ErrCrashed
	}
	return len(p), nil
}

func (h *handle) Sync() error {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	if err := h.check(); err != nil {
		return err
	}
	h.ino.ops++
	h.d.counts.Syncs++
	if h.d.roll(h.name, "crash-sync", h.ino.ops) < h.d.faults.CrashPPM {
		h.d.crashLocked()
		return ErrCrashed
	}
	if h.d.roll(h.name, "sync", h.ino.ops) < h.d.faults.SyncErrorPPM {
		// Like Linux after a failed fsync: the outcome is unknown, the pages may or may not reach
		// the disk. Keep them pending, so a crash decides.
		h.d.counts.SyncErrors++
		return ErrInjectedSync
	}
	h.ino.synced = slices.Clone(h.ino.data)
	h.ino.pending = nil
	return nil
}

func (h *handle) Truncate(size int64) error {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	if err := h.check(); err != nil {
		return err
	}
	if size < int64(len(h.ino.data)) {
		h.ino.data = h.ino.data[:size:size]
	} else {
		h.ino.data = append(h.ino.data, make([]byte, size-int64(len(h.ino.data)))...)
	}
	// Like a write, a truncation is durable only after the next Sync.
	h.ino.pending = append(h.ino.pending, write{off: size, truncate: true})
	return nil
}

func (h *handle) Size() (int64, error) {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	if err := h.check(); err != nil {
		return 0, err
	}
	return int64(len(h.ino.data)), nil
}

func (h *handle) Close() error {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	h.closed = true
	return nil
}

func writeAt(data []byte, off int64, p []byte) []byte {
	if end := off + int64(len(p)); end > int64(len(data)) {
		data = append(data, make([]byte, end-int64(len(data)))...)
	}
	copy(data[off:], p)
	return data
}

func sortedKeys(m map[string]*inode) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	return keys
}
