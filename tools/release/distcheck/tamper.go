package main

import (
	"archive/zip"
	"errors"
	"fmt"
	"os"
	"strings"
)

// tamperBinary writes a copy of the archive at in to out in which one byte
// in the middle of the provider binary differs: a well-formed archive that
// only a recorded hash can tell from the original.
func tamperBinary(in, out string) error {
	archive, err := zip.OpenReader(in)
	if err != nil {
		return err
	}
	defer archive.Close()
	target, err := providerBinary(archive.File)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	dst, err := os.Create(out) //nolint:gosec // G703: this command checks the files its caller names
	if err != nil {
		return err
	}
	writer := zip.NewWriter(dst)
	for _, f := range archive.File {
		if err := copyEntry(writer, f, f == target); err != nil {
			dst.Close()
			return err
		}
	}
	if err := writer.Close(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// providerBinary finds the one entry named terraform-provider-TYPE_v….
func providerBinary(files []*zip.File) (*zip.File, error) {
	var found *zip.File
	for _, f := range files {
		if strings.HasPrefix(f.Name, projectName+"_v") {
			if found != nil {
				return nil, errors.New("holds more than one provider binary")
			}
			found = f
		}
	}
	if found == nil {
		return nil, errors.New("holds no provider binary")
	}
	return found, nil
}

func copyEntry(w *zip.Writer, f *zip.File, flipMiddleByte bool) error {
	data, err := readEntry(f)
	if err != nil {
		return err
	}
	if flipMiddleByte {
		if len(data) == 0 {
			return fmt.Errorf("%s is empty", f.Name)
		}
		data[len(data)/2] ^= 0xff
	}
	header := f.FileHeader
	entry, err := w.CreateHeader(&header)
	if err != nil {
		return err
	}
	_, err = entry.Write(data)
	return err
}

// corruptArchive writes a copy of the archive at in to out with one byte
// of the binary's compressed data changed: the zip file itself differs,
// not only what it unpacks to.
func corruptArchive(in, out string) error {
	archive, err := zip.OpenReader(in)
	if err != nil {
		return err
	}
	target, err := providerBinary(archive.File)
	if err != nil {
		archive.Close()
		return fmt.Errorf("%s: %w", in, err)
	}
	offset, err := target.DataOffset()
	archive.Close()
	if err != nil {
		return err
	}
	if target.CompressedSize64 == 0 {
		return fmt.Errorf("%s: %s is empty", in, target.Name)
	}
	data, err := os.ReadFile(in) //nolint:gosec // G703: this command checks the files its caller names
	if err != nil {
		return err
	}
	middle := offset + int64(target.CompressedSize64/2) //nolint:gosec // G115: checked against the size next
	if middle >= int64(len(data)) {
		return fmt.Errorf("%s: the data of %s ends past the end of the file", in, target.Name)
	}
	data[middle] ^= 0xff
	return os.WriteFile(out, data, 0o600) //nolint:gosec // G703: this command checks the files its caller names
}
