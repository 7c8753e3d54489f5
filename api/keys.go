package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/depothq/depot"
)

// Scope is what an API key may do. Each scope includes the ones below it.
type Scope uint8

// The scopes: read answers GETs, write also changes stock and the catalogue, admin also manages
// keys and webhooks of its tenant.
const (
	ScopeRead Scope = iota + 1
	ScopeWrite
	ScopeAdmin
)

var scopeNames = [...]string{ScopeRead: "read", ScopeWrite: "write", ScopeAdmin: "admin"}

// String returns the wire name of the scope.
func (s Scope) String() string {
	if s < ScopeRead || s > ScopeAdmin {
		return "none"
	}
	return scopeNames[s]
}

// ParseScope maps a wire name to a scope.
func ParseScope(name string) (Scope, bool) {
	for i, n := range scopeNames {
		if i > 0 && n == name {
			return Scope(i), true
		}
	}
	return 0, false
}

// KeyInfo describes an API key; the secret itself is never stored, only its SHA-256.
type KeyInfo struct {
	ID        string
	Tenant    string
	Scope     Scope
	Name      string
	CreatedAt time.Time
	// Ephemeral keys live in memory only and end with the process (see CreateEphemeral).
	Ephemeral bool
}

// ErrKeyNotFound is returned by Revoke for an unknown key id.
var ErrKeyNotFound = errors.New("api: no such key")

// keyPrefix marks Depot secrets so that secret scanners and people recognise a leaked one.
const keyPrefix = "dpk_"

// keysFile is the key store's file in the data directory.
const keysFile = "keys.json"

type storedKey struct {
	KeyInfo
	hash [sha256.Size]byte
}

// keyRecord is one key in keys.json.
type keyRecord struct {
	ID        string    `json:"id"`
	Tenant    string    `json:"tenant"`
	Scope     string    `json:"scope"`
	Name      string    `json:"name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	SHA256    string    `json:"sha256"`
}

type keysDoc struct {
	Version int         `json:"version"`
	Keys    []keyRecord `json:"keys"`
}

// KeyStore holds API keys as SHA-256 hashes in DIR/keys.json, written atomically under a file lock
// so the CLI and a running server can both change it; the server notices changes within
// KeyReloadEvery. Hashing with plain SHA-256 is enough because keys are 256 random bits, not
// passwords: there is nothing to brute-force.
type KeyStore struct {
	path string // "" keeps keys in memory only

	mu        sync.RWMutex
	byHash    map[[sha256.Size]byte]*storedKey
	persisted []*storedKey
	ephemeral []*storedKey
	stamp     fileStamp

	lastCheck atomic.Int64 // unix nanoseconds of the last look at the file
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// OpenKeyStore loads DIR/keys.json (an absent file is an empty store). With dir "" the store
// lives in memory only, for tests and in-process demos.
func OpenKeyStore(dir string) (*KeyStore, error) {
	ks := &KeyStore{byHash: make(map[[sha256.Size]byte]*storedKey)}
	if dir == "" {
		return ks, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("api: key store: %w", err)
	}
	ks.path = filepath.Join(dir, keysFile)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if err := ks.loadLocked(); err != nil {
		return nil, err
	}
	ks.lastCheck.Store(time.Now().UnixNano())
	return ks, nil
}

// loadLocked reads the file and replaces the persisted keys. The caller holds mu.
func (ks *KeyStore) loadLocked() error {
	keys, stamp, err := readKeys(ks.path)
	if err != nil {
		return err
	}
	ks.persisted = keys
	ks.stamp = stamp
	ks.reindexLocked()
	return nil
}

func (ks *KeyStore) reindexLocked() {
	clear(ks.byHash)
	for _, k := range ks.persisted {
		ks.byHash[k.hash] = k
	}
	for _, k := range ks.ephemeral {
		ks.byHash[k.hash] = k
	}
}

func readKeys(path string) ([]*storedKey, fileStamp, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fileStamp{}, nil
	}
	if err != nil {
		return nil, fileStamp{}, fmt.Errorf("api: read %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileStamp{}, fmt.Errorf("api: stat %s: %w", path, err)
	}
	var doc keysDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fileStamp{}, fmt.Errorf("api: parse %s: %w", path, err)
	}
	if doc.Version != 1 {
		return nil, fileStamp{}, fmt.Errorf("api: %s has unknown version %d", path, doc.Version)
	}
	keys := make([]*storedKey, 0, len(doc.Keys))
	for i, r := range doc.Keys {
		scope, ok := ParseScope(r.Scope)
		h, err := hex.DecodeString(r.SHA256)
		if !ok || err != nil || len(h) != sha256.Size || r.ID == "" || validID(r.Tenant) != nil {
			return nil, fileStamp{}, fmt.Errorf("api: %s: key %d is malformed", path, i)
		}
		k := &storedKey{KeyInfo: KeyInfo{ID: r.ID, Tenant: r.Tenant, Scope: scope, Name: r.Name, CreatedAt: r.CreatedAt}}
		copy(k.hash[:], h)
		keys = append(keys, k)
	}
	return keys, fileStamp{mod: info.ModTime(), size: info.Size()}, nil
}

// update runs a read-modify-write of the file under the file lock, so that a concurrent CLI and
// server never lose each other's changes.
func (ks *KeyStore) update(fn func(keys []*storedKey) ([]*storedKey, error)) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.path == "" {
		keys, err := fn(ks.persisted)
		if err != nil {
			return err
		}
		ks.persisted = keys
		ks.reindexLocked()
		return nil
	}
	unlock, err := lockFile(ks.path + ".lock")
	if err != nil {
		return fmt.Errorf("api: key store: %w", err)
	}
	defer unlock()
	if err := ks.loadLocked(); err != nil {
		return err
	}
	keys, err := fn(slices.Clone(ks.persisted))
	if err != nil {
		return err
	}
	doc := keysDoc{Version: 1, Keys: make([]keyRecord, len(keys))}
	for i, k := range keys {
		doc.Keys[i] = keyRecord{ID: k.ID, Tenant: k.Tenant, Scope: k.Scope.String(), Name: k.Name, CreatedAt: k.CreatedAt, SHA256: hex.EncodeToString(k.hash[:])}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("api: encode keys: %w", err)
	}
	if err := writeFileAtomic(ks.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("api: save keys: %w", err)
	}
	return ks.loadLocked()
}

// newKey draws a secret and an id from crypto/rand.
func newKey(tenant string, scope Scope, name string) (*storedKey, string, error) {
	if err := validID(tenant); err != nil {
		return nil, "", fmt.Errorf("api: tenant: %w", err)
	}
	if scope < ScopeRead || scope > ScopeAdmin {
		return nil, "", fmt.Errorf("api: unknown scope %d", scope)
	}
	if err := validText(name, depot.MaxNameLen); err != nil {
		return nil, "", fmt.Errorf("api: key name: %w", err)
	}
	var secret [32]byte
	var id [8]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return nil, "", fmt.Errorf("api: draw key: %w", err)
	}
	if _, err := rand.Read(id[:]); err != nil {
		return nil, "", fmt.Errorf("api: draw key id: %w", err)
	}
	s := keyPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
	k := &storedKey{KeyInfo: KeyInfo{ID: "key_" + hex.EncodeToString(id[:]), Tenant: tenant, Scope: scope, Name: name, CreatedAt: time.Now().UTC().Truncate(time.Second)}}
	k.hash = sha256.Sum256([]byte(s))
	return k, s, nil
}

// Create makes a key for a tenant and scope, stores its hash and returns the secret, which is
// never available again.
func (ks *KeyStore) Create(tenant string, scope Scope, name string) (KeyInfo, string, error) {
	k, secret, err := newKey(tenant, scope, name)
	if err != nil {
		return KeyInfo{}, "", err
	}
	err = ks.update(func(keys []*storedKey) ([]*storedKey, error) {
		n := 0
		for _, o := range keys {
			if o.Tenant == tenant {
				n++
			}
		}
		if n >= MaxKeysPerTenant {
			return nil, fmt.Errorf("api: tenant %q has %d keys, the limit", tenant, MaxKeysPerTenant)
		}
		return append(keys, k), nil
	})
	if err != nil {
		return KeyInfo{}, "", err
	}
	return k.KeyInfo, secret, nil
}

// CreateEphemeral makes a key that exists in this process's memory only: it is never written to
// disk and dies with the process. `depot serve --dev-key` and `depot demo` use it so a first run
// works without a key file, and no long-lived secret is left behind.
func (ks *KeyStore) CreateEphemeral(tenant string, scope Scope, name string) (KeyInfo, string, error) {
	k, secret, err := newKey(tenant, scope, name)
	if err != nil {
		return KeyInfo{}, "", err
	}
	k.Ephemeral = true
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.ephemeral = append(ks.ephemeral, k)
	ks.byHash[k.hash] = k
	return k.KeyInfo, secret, nil
}

// List returns the keys of a tenant ("" for all), oldest first.
func (ks *KeyStore) List(tenant string) []KeyInfo {
	ks.maybeReload()
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	var out []KeyInfo
	for _, list := range [][]*storedKey{ks.persisted, ks.ephemeral} {
		for _, k := range list {
			if tenant == "" || k.Tenant == tenant {
				out = append(out, k.KeyInfo)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b KeyInfo) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// Revoke deletes a key by id; requests with it fail from then on (within KeyReloadEvery for a
// server that did not do the revoking itself).
func (ks *KeyStore) Revoke(id string) error {
	ks.mu.Lock()
	for i, k := range ks.ephemeral {
		if k.ID == id {
			ks.ephemeral = slices.Delete(ks.ephemeral, i, i+1)
			ks.reindexLocked()
			ks.mu.Unlock()
			return nil
		}
	}
	ks.mu.Unlock()
	return ks.update(func(keys []*storedKey) ([]*storedKey, error) {
		for i, k := range keys {
			if k.ID == id {
				return slices.Delete(keys, i, i+1), nil
			}
		}
		return nil, ErrKeyNotFound
	})
}

// Lookup returns a key by id.
func (ks *KeyStore) Lookup(id string) (KeyInfo, bool) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	for _, list := range [][]*storedKey{ks.persisted, ks.ephemeral} {
		for _, k := range list {
			if k.ID == id {
				return k.KeyInfo, true
			}
		}
	}
	return KeyInfo{}, false
}

// Authenticate returns the key whose secret this is. The map is keyed by the hash, so a lookup
// reveals nothing useful through timing, and the final comparison is constant-time anyway.
func (ks *KeyStore) Authenticate(secret string) (KeyInfo, bool) {
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 128 {
		return KeyInfo{}, false
	}
	ks.maybeReload()
	h := sha256.Sum256([]byte(secret))
	ks.mu.RLock()
	k := ks.byHash[h]
	ks.mu.RUnlock()
	if k == nil || subtle.ConstantTimeCompare(k.hash[:], h[:]) != 1 {
		return KeyInfo{}, false
	}
	return k.KeyInfo, true
}

// maybeReload rereads the file when it changed, at most once per KeyReloadEvery, so keys created
// or revoked with the CLI take effect without a restart. A broken file keeps the keys in memory
// (and the error surfaces on the next write).
func (ks *KeyStore) maybeReload() {
	if ks.path == "" {
		return
	}
	now := time.Now().UnixNano()
	last := ks.lastCheck.Load()
	if now-last < int64(KeyReloadEvery) || !ks.lastCheck.CompareAndSwap(last, now) {
		return
	}
	info, err := os.Stat(ks.path)
	var stamp fileStamp
	if err == nil {
		stamp = fileStamp{mod: info.ModTime(), size: info.Size()}
	}
	ks.mu.RLock()
	same := stamp.mod.Equal(ks.stamp.mod) && stamp.size == ks.stamp.size
	ks.mu.RUnlock()
	if same {
		return
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	_ = ks.loadLocked()
}

// validID checks an identifier as the engine does: 1 to depot.MaxIDLen bytes of UTF-8 text with
// no control characters.
func validID(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	if len(s) > depot.MaxIDLen {
		return fmt.Errorf("is %d bytes, the limit is %d", len(s), depot.MaxIDLen)
	}
	return validText(s, depot.MaxIDLen)
}

// validText checks free text: bounded, valid UTF-8, no control characters.
func validText(s string, limit int) error {
	if len(s) > limit {
		return fmt.Errorf("is %d bytes, the limit is %d", len(s), limit)
	}
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return errors.New("contains a control character")
		}
	}
	return nil
}
