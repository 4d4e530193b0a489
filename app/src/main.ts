import './components/grove-app.ts';
