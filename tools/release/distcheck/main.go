// Command distcheck checks a release that goreleaser built into dist/ the
// way the Terraform Registry and the CLIs will meet it, and helps
// scripts/release-check prove that a lock file catches a changed archive.
//
//	distcheck version DIST
//	distcheck archives -config .goreleaser.yml -manifest terraform-registry-manifest.json -version V DIST
//	distcheck lock -provider HOST/NAMESPACE/TYPE -version V -archive ZIP LOCKFILE
//	distcheck tamper -archive ZIP -out FILE [-raw]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// projectName is the prefix the registry expects of every file name in a
// release of this provider: terraform-provider-TYPE.
const projectName = "terraform-provider-sms"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "distcheck:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: distcheck version|archives|lock|tamper [flags] ARG (see the package comment)")

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	flags := flag.NewFlagSet("distcheck "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "version":
		if err := parseOneArg(flags, args[1:]); err != nil {
			return err
		}
		version, err := snapshotVersion(flags.Arg(0))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, version)
		return err
	case "archives":
		config := flags.String("config", ".goreleaser.yml", "goreleaser configuration that built DIST")
		manifest := flags.String("manifest", "terraform-registry-manifest.json", "registry manifest of the repository")
		version := flags.String("version", "", "version that every file must carry")
		if err := parseOneArg(flags, args[1:]); err != nil {
			return err
		}
		if *version == "" {
			return errors.New("archives: -version is required")
		}
		return checkDist(stdout, distSpec{dir: flags.Arg(0), config: *config, manifest: *manifest, version: *version})
	case "lock":
		provider := flags.String("provider", "", "provider address, HOST/NAMESPACE/TYPE")
		version := flags.String("version", "", "version the lock file must record")
		archive := flags.String("archive", "", "zip the provider was installed from")
		if err := parseOneArg(flags, args[1:]); err != nil {
			return err
		}
		if *provider == "" || *version == "" || *archive == "" {
			return errors.New("lock: -provider, -version and -archive are required")
		}
		return checkLock(stdout, flags.Arg(0), *provider, *version, *archive)
	case "tamper":
		archive := flags.String("archive", "", "zip to copy")
		out := flags.String("out", "", "where to write the changed copy")
		raw := flags.Bool("raw", false, "change a byte of the zip file itself instead of a byte of the binary it holds")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if *archive == "" || *out == "" || flags.NArg() != 0 {
			return errors.New("tamper: -archive and -out are required, and nothing else")
		}
		if *raw {
			return corruptArchive(*archive, *out)
		}
		return tamperBinary(*archive, *out)
	default:
		return errUsage
	}
}

func parseOneArg(flags *flag.FlagSet, args []string) error {
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return fmt.Errorf("%s: expected one argument after the flags, got %d", flags.Name(), flags.NArg())
	}
	return nil
}
