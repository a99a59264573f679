// "About this window": a disclosure at the foot of the panel with what this plugin window and
// its engine worker really have (document, secure context, WebGPU, storage, build, backend),
// as lines to read and as text to copy into a bug report. Facts are gathered when it opens.
import { Button, Disclosure, Text } from '@create-figma-plugin/ui';
import { useRef, useState } from 'preact/hooks';
import { copyOutcome, copyWindowReport, gatherWindowReport, windowReport } from '../about-window-actions.ts';
import { reportLines, reportText } from '../window-report.ts';

export function AboutWindow() {
  const [open, setOpen] = useState(false);
  const text = useRef<HTMLTextAreaElement>(null);
  const report = windowReport.value;
  const toggle = () => {
    if (!open) void gatherWindowReport();
    setOpen(!open);
  };
  return (
    <Disclosure title="About this window" open={open} onClick={toggle} data-testid="about-window">
      {!report ? (
        <Text class="muted">Checking what this window can do…</Text>
      ) : (
        <div class="about" data-testid="about-lines">
          {reportLines(report).map((line) => (
            <div class="about-line" data-label={line.label} key={line.label}>
              <Text class="muted">{line.label}</Text>
              <Text>{line.value}</Text>
            </div>
          ))}
          <div class="buttons">
            <Button secondary onClick={() => text.current && copyWindowReport(text.current)} data-testid="about-copy">
              Copy as text
            </Button>
            <Button secondary onClick={() => void gatherWindowReport()} data-testid="about-refresh">
              Check again
            </Button>
          </div>
          {copyOutcome.value && (
            <Text class="muted" data-testid="about-copied">
              {copyOutcome.value}
            </Text>
          )}
          <textarea ref={text} class="about-text" readOnly rows={4} value={reportText(report)} data-testid="about-text" />
        </div>
      )}
    </Disclosure>
  );
}
