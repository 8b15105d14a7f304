// The `minimal` jest project: every emulator a test starts answers with only Cloudflare's declared fields,
// unless its fixture chooses a profile (see emulator/README.md, "Response profiles").
process.env['EMULATOR_PROFILE'] = 'minimal';
