// Package decode decodes an MLPipeline strictly, as the API server does:
// unknown and duplicate fields are errors at their paths, and a value that
// cannot be decoded is reported in words and left out, with its path in
// Decoded.Invalid, so that every other problem is still found and the rules
// that read a left-out field stay silent.
package decode
