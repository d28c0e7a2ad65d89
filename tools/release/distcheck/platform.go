package main

import (
	"bytes"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// platform is a Go target, spelled as in the archive names: linux_amd64.
type platform struct {
	goos, goarch string
}

func (p platform) String() string {
	return p.goos + "_" + p.goarch
}

// configuredPlatforms reads the platforms a goreleaser configuration
// builds: every goos with every goarch that Go can build for, minus the
// ignored pairs. It reads the file itself rather than goreleaser's record
// of what it built, so that a platform goreleaser skipped shows up as a
// missing archive.
func configuredPlatforms(path string) ([]platform, error) {
	buildable, err := goPlatforms()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var config struct {
		Builds []struct {
			Goos   []string `yaml:"goos"`
			Goarch []string `yaml:"goarch"`
			Ignore []struct {
				Goos   string `yaml:"goos"`
				Goarch string `yaml:"goarch"`
			} `yaml:"ignore"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(data, &config); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(config.Builds) != 1 {
		return nil, fmt.Errorf("%s: want one build, the provider's, found %d", path, len(config.Builds))
	}
	build := config.Builds[0]
	if len(build.Goos) == 0 || len(build.Goarch) == 0 {
		return nil, fmt.Errorf("%s: the build must list its goos and goarch rather than rely on goreleaser's defaults", path)
	}
	var platforms []platform
	for _, goos := range build.Goos {
		for _, goarch := range build.Goarch {
			ignored := false
			for _, ig := range build.Ignore {
				if (ig.Goos == "" || ig.Goos == goos) && (ig.Goarch == "" || ig.Goarch == goarch) {
					ignored = true
				}
			}
			if !ignored && buildable[platform{goos, goarch}] {
				platforms = append(platforms, platform{goos, goarch})
			}
		}
	}
	return platforms, nil
}

// goPlatforms lists the platforms the Go toolchain can build for; like
// goreleaser, the check passes over configured pairs outside it (darwin/arm).
func goPlatforms() (map[platform]bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "tool", "dist", "list").Output()
	if err != nil {
		return nil, fmt.Errorf("go tool dist list: %w", err)
	}
	platforms := map[platform]bool{}
	for line := range strings.Lines(string(out)) {
		if goos, goarch, ok := strings.Cut(strings.TrimSpace(line), "/"); ok {
			platforms[platform{goos, goarch}] = true
		}
	}
	if !platforms[platform{"linux", "amd64"}] {
		return nil, fmt.Errorf("go tool dist list printed no linux/amd64, so its output was not understood: %q", out)
	}
	return platforms, nil
}

var (
	elfArch = map[elf.Machine]string{
		elf.EM_386: "386", elf.EM_X86_64: "amd64", elf.EM_ARM: "arm", elf.EM_AARCH64: "arm64",
	}
	// Go marks FreeBSD binaries in the ELF header and leaves Linux ones
	// at the System V default.
	elfOS = map[elf.OSABI]string{
		elf.ELFOSABI_NONE: "linux", elf.ELFOSABI_FREEBSD: "freebsd",
	}
	machoArch = map[macho.Cpu]string{
		macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64",
	}
	peArch = map[uint16]string{
		pe.IMAGE_FILE_MACHINE_I386: "386", pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64",
	}
)

var errUnknownFormat = errors.New("is not an executable for any platform this check knows")

// binaryPlatform reads the platform an executable was built for from its
// header.
func binaryPlatform(data []byte) (platform, error) {
	r := bytes.NewReader(data)
	if f, err := elf.NewFile(r); err == nil {
		return known(elfOS[f.OSABI], elfArch[f.Machine], fmt.Sprintf("ELF %v %v", f.OSABI, f.Machine))
	}
	if f, err := macho.NewFile(r); err == nil {
		return known("darwin", machoArch[f.Cpu], fmt.Sprintf("Mach-O %v", f.Cpu))
	}
	if f, err := pe.NewFile(r); err == nil {
		return known("windows", peArch[f.Machine], fmt.Sprintf("PE machine %#x", f.Machine))
	}
	return platform{}, errUnknownFormat
}

func known(goos, goarch, header string) (platform, error) {
	if goos == "" || goarch == "" {
		return platform{}, fmt.Errorf("%w: %s", errUnknownFormat, header)
	}
	return platform{goos, goarch}, nil
}
