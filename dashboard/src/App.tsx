import { useEffect, useSyncExternalStore } from "react";
import { Route, Routes } from "react-router-dom";
import { apiKey } from "./api/client";
import { Layout } from "./components/Layout";
import { hub } from "./live/hub";
import { AgentPage, Agents, NewAgent } from "./pages/Agents";
import { CampaignPage, Campaigns, NewCampaign } from "./pages/Campaigns";
import { LeadPage } from "./pages/LeadPage";
import { Leads } from "./pages/Leads";
import { LiveCalls } from "./pages/LiveCalls";
import { Login } from "./pages/Login";
import { Meetings } from "./pages/Meetings";
import { Overview } from "./pages/Overview";
import { SettingsProvider } from "./settings";

const onAuth = (f: () => void) => {
  window.addEventListener("callwright:auth", f);
  return () => window.removeEventListener("callwright:auth", f);
};

export function App() {
  const key = useSyncExternalStore(onAuth, apiKey);
  useEffect(() => {
    if (!key) return;
    hub.start();
    return () => hub.close();
  }, [key]);
  if (!key) return <Login />;
  return (
    <SettingsProvider>
      <Layout>
        <Routes>
          <Route path="/" element={<Overview />} />
          <Route path="/live" element={<LiveCalls />} />
          <Route path="/leads" element={<Leads />} />
          <Route path="/leads/:id" element={<LeadPage />} />
          <Route path="/agents" element={<Agents />} />
          <Route path="/agents/new" element={<NewAgent />} />
          <Route path="/agents/:id" element={<AgentPage />} />
          <Route path="/campaigns" element={<Campaigns />} />
          <Route path="/campaigns/new" element={<NewCampaign />} />
          <Route path="/campaigns/:id" element={<CampaignPage />} />
          <Route path="/meetings" element={<Meetings />} />
          <Route path="*" element={<p>No such page.</p>} />
        </Routes>
      </Layout>
    </SettingsProvider>
  );
}
