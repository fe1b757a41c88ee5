// Output in tests is plain text: no colour, whatever the terminal running the tests.
process.env.NO_COLOR = '1';
process.env.FORCE_COLOR = '0';
