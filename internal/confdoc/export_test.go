package confdoc

// Sentence is sentence, for the tests.
var Sentence = sentence
