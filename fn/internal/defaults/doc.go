// Package defaults resolves every default of the MLPipeline API, once, into
// Settings: the effective values that the builders, the rules and the
// warnings read instead of re-deriving them. Defaults live nowhere else.
package defaults
