package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/depothq/depot/api"
)

// runKeys manages API keys in DIR/keys.json. It works whether or not a server is running on the
// directory: writes take a file lock, and a running server picks changes up within a second.
func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "usage: depot keys create --data DIR --tenant T --scope read|write|admin [--name N]")
		fmt.Fprintln(w, "       depot keys list   --data DIR [--tenant T]")
		fmt.Fprintln(w, "       depot keys revoke --data DIR ID")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return nil
	}
	switch args[0] {
	case "create":
		return keysCreate(args[1:], stdout, stderr)
	case "list":
		return keysList(args[1:], stdout, stderr)
	case "revoke":
		return keysRevoke(args[1:], stdout, stderr)
	}
	usage(stderr)
	return fmt.Errorf("keys: unknown action %q", args[0])
}

func keysCreate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("keys create", stderr)
	dir := fs.String("data", "depot-data", "data directory")
	tenant := fs.String("tenant", "", "tenant the key belongs to (required)")
	scope := fs.String("scope", "write", "read, write or admin")
	name := fs.String("name", "", "a label to recognise the key by")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tenant == "" {
		return fmt.Errorf("keys create: --tenant is required")
	}
	sc, ok := api.ParseScope(*scope)
	if !ok {
		return fmt.Errorf("keys create: --scope must be read, write or admin, not %q", *scope)
	}
	ks, err := api.OpenKeyStore(*dir)
	if err != nil {
		return fmt.Errorf("keys create: %w", err)
	}
	info, secret, err := ks.Create(*tenant, sc, *name)
	if err != nil {
		return fmt.Errorf("keys create: %w", err)
	}
	fmt.Fprintf(stdout, "created key %s (tenant %q, scope %s)\n\n  %s\n\n", info.ID, info.Tenant, info.Scope, secret)
	fmt.Fprintln(stdout, "This is the only time the key is shown; only its SHA-256 is stored. Send it as")
	fmt.Fprintln(stdout, "  Authorization: Bearer <key>")
	return nil
}

func keysList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("keys list", stderr)
	dir := fs.String("data", "depot-data", "data directory")
	tenant := fs.String("tenant", "", "only this tenant's keys")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ks, err := api.OpenKeyStore(*dir)
	if err != nil {
		return fmt.Errorf("keys list: %w", err)
	}
	keys := ks.List(*tenant)
	if len(keys) == 0 {
		fmt.Fprintln(stdout, "no keys")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTENANT\tSCOPE\tCREATED\tNAME")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Tenant, k.Scope, k.CreatedAt.Format(time.RFC3339), k.Name)
	}
	return tw.Flush()
}

func keysRevoke(args []string, stdout, stderr io.Writer) error {
	// The id may come first (depot keys revoke key_... --data DIR) or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	fs := newFlagSet("keys revoke", stderr)
	dir := fs.String("data", "depot-data", "data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := envForUnset(fs); err != nil {
		return err
	}
	rest := fs.Args()
	if id == "" && len(rest) == 1 {
		id, rest = rest[0], nil
	}
	if id == "" || len(rest) > 0 {
		return fmt.Errorf("keys revoke: give exactly one key id (depot keys list shows them)")
	}
	ks, err := api.OpenKeyStore(*dir)
	if err != nil {
		return fmt.Errorf("keys revoke: %w", err)
	}
	if err := ks.Revoke(id); err != nil {
		return fmt.Errorf("keys revoke %s: %w", id, err)
	}
	fmt.Fprintf(stdout, "revoked %s; a running server refuses it within %s\n", id, api.KeyReloadEvery)
	return nil
}

// envForUnset applies DEPOT_* environment values to the flags the command line did not set, for
// the one subcommand that takes a positional argument and so cannot use parseFlags.
func envForUnset(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		key := "DEPOT_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok && !set[f.Name] && err == nil {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", key, v, serr)
			}
		}
	})
	return err
}
