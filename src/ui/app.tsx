export function App() {
  return <div>Sketchify</div>;
}
