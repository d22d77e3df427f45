// What the data-subject and reveal suites share: an HR team whose prompts and answers are
// kept encrypted, a person with an email, and a prompt with markup in it.
export const XSS = "<img src=x onerror=alert(1)>";
export const ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";
export const EMAIL = "erin.example@example.com";
export const PROMPT = `Summarise ticket 4711 for Erin ${XSS}`;
export const HR = `team: hr
description: HR; prompts and answers kept encrypted.
rules:
  - id: hr.audit-encrypted
    description: Prompts and answers are kept, encrypted under each employee's key.
    audit:
      content: encrypted
`;
