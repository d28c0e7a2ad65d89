package clitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// StateFile is where the local backend keeps the state, below Dir.
const StateFile = "terraform.tfstate"

// Instance is one resource instance of the root module in a state file.
type Instance struct {
	// Address is as the CLI prints it: sms_api_key.x[0], terraform_data.d.
	Address string
	Type    string
	// Status is "tainted" for an object that Terraform will replace.
	Status string
	// Deposed names an old object that create_before_destroy kept aside.
	Deposed    string
	Attributes map[string]any
	// Private is the provider's private state of the object, as stored.
	Private []byte
}

// Attr returns the attribute name as a string, or "" when it is null or
// no string.
func (i Instance) Attr(name string) string {
	s, _ := i.Attributes[name].(string)
	return s
}

// State is a state file as the local backend writes it (format 4).
type State struct {
	Instances []Instance
}

// Managed returns the instances of the managed resources of type typ.
func (s *State) Managed(typ string) []Instance {
	var out []Instance
	for _, i := range s.Instances {
		if i.Type == typ {
			out = append(out, i)
		}
	}
	return out
}

type stateFile struct {
	Version   int `json:"version"`
	Resources []struct {
		Module    string `json:"module"`
		Mode      string `json:"mode"`
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			IndexKey   any            `json:"index_key"`
			Status     string         `json:"status"`
			Deposed    string         `json:"deposed"`
			Attributes map[string]any `json:"attributes"`
			Private    []byte         `json:"private"`
		} `json:"instances"`
	} `json:"resources"`
}

// ReadState reads the managed root-module instances of a state file; a
// missing file is an empty state, as before the first apply.
func ReadState(path string) (*State, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, err
	}
	var f stateFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("reading state %s: %w", path, err)
	}
	if f.Version != 4 {
		return nil, fmt.Errorf("reading state %s: format version %d, want 4", path, f.Version)
	}
	s := &State{}
	for _, r := range f.Resources {
		if r.Module != "" || r.Mode != "managed" {
			continue
		}
		for _, inst := range r.Instances {
			address := r.Type + "." + r.Name
			switch key := inst.IndexKey.(type) {
			case float64:
				address += fmt.Sprintf("[%d]", int64(key))
			case string:
				address += fmt.Sprintf("[%q]", key)
			}
			s.Instances = append(s.Instances, Instance{Address: address, Type: r.Type, Status: inst.Status,
				Deposed: inst.Deposed, Attributes: inst.Attributes, Private: inst.Private})
		}
	}
	return s, nil
}

// State reads the workdir's state or fails the test.
func (w *Workdir) State() *State {
	w.t.Helper()
	s, err := ReadState(filepath.Join(w.Dir, StateFile))
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}
