import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PortalApp } from './PortalApp';
import { createPortalChannel } from './portalChannel';
import './portal.css';

const root = document.getElementById('root');
if (!root) throw new Error('The portal page is missing #root');
createRoot(root).render(
  <StrictMode>
    <PortalApp channel={createPortalChannel(window)} />
  </StrictMode>,
);
