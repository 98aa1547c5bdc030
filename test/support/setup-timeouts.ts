// Integration and e2e tests drive real servers and whole workflows: minutes, not Jest's default 5 s.
jest.setTimeout(180_000);
