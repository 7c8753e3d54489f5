package journal

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// FS is the file system seam of the file backend: the few operations it needs, so that a
// deterministic simulator can plug in a disk that tears writes, loses unsynced data and fails
// fsync. Paths are built with filepath.Join from the directory given to OpenFile.
//
// The journal relies on exactly these guarantees, and a simulated FS should break exactly these:
// data written with WriteAt is durable only after a File.Sync that returned nil; a created, renamed
// or removed name is durable only after SyncDir of its directory returned nil.
type FS interface {
	// MkdirAll creates dir and its parents if needed.
	MkdirAll(dir string) error
	// ReadDir returns the names of the entries in dir, sorted.
	ReadDir(dir string) ([]string, error)
	// Create creates a new file for reading and writing. It fails if the file exists.
	Create(path string) (FSFile, error)
	// Open opens an existing file for reading only.
	Open(path string) (FSFile, error)
	// OpenWrite opens an existing file for reading and writing.
	OpenWrite(path string) (FSFile, error)
	// Rename atomically replaces newpath with oldpath.
	Rename(oldpath, newpath string) error
	// Remove removes a file.
	Remove(path string) error
	// SyncDir makes the names created, renamed or removed in dir durable.
	SyncDir(dir string) error
}

// FSFile is an open file of an FS. It has no implicit offset: the journal tracks its own.
type FSFile interface {
	io.ReaderAt
	io.WriterAt
	// Sync makes the data written so far durable (fdatasync is enough).
	Sync() error
	// Truncate changes the size of the file.
	Truncate(size int64) error
	// Size returns the current size of the file.
	Size() (int64, error)
	// Close closes the file.
	Close() error
}

// OSFS is the FS of the operating system, the default.
type OSFS struct{}

var _ FS = OSFS{}

// MkdirAll implements FS.
func (OSFS) MkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

// ReadDir implements FS.
func (OSFS) ReadDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names) // os.ReadDir sorts already; the contract must not depend on it.
	return names, nil
}

// Create implements FS.
func (OSFS) Create(path string) (FSFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Open implements FS.
func (OSFS) Open(path string) (FSFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// OpenWrite implements FS.
func (OSFS) OpenWrite(path string) (FSFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Rename implements FS.
func (OSFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove implements FS.
func (OSFS) Remove(path string) error { return os.Remove(path) }

// SyncDir implements FS.
func (OSFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return d.Close()
}

type osFile struct{ f *os.File }

func (o osFile) ReadAt(p []byte, off int64) (int, error)  { return o.f.ReadAt(p, off) }
func (o osFile) WriteAt(p []byte, off int64) (int, error) { return o.f.WriteAt(p, off) }
func (o osFile) Sync() error                              { return datasync(o.f) }
func (o osFile) Truncate(size int64) error                { return o.f.Truncate(size) }
func (o osFile) Close() error                             { return o.f.Close() }

func (o osFile) Size() (int64, error) {
	fi, err := o.f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
