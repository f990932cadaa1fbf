/**
 * A bar chart (Apache ECharts, only the parts used, drawn on canvas) with its figures in a table beneath it,
 * so that screen readers, tests and copy-paste get the same numbers the bars show.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import { yuan } from './format';
import { useI18n } from './i18n';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface Series {
  name: string;
  values: number[];
  /** Bars of one stack are drawn on top of each other. */
  stack?: string;
}

export function Bars(props: {
  id: string;
  title: string;
  categories: string[];
  series: Series[];
  money?: boolean;
}) {
  const { lang } = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const show = (value: number) => (props.money ? yuan(value, lang) : String(value));
  useEffect(() => {
    const chart = echarts.init(element.current!, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => show(Number(value)) },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'category', data: props.categories },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (value: number) => (props.money ? String(value / 100) : String(value)) },
      },
      series: props.series.map((s) => ({ type: 'bar', name: s.name, data: s.values, stack: s.stack })),
    });
    const resize = () => chart.resize();
    addEventListener('resize', resize);
    return () => (removeEventListener('resize', resize), chart.dispose());
  }, [props.categories, props.series, lang]);
  return (
    <figure class="chart" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <div ref={element} class="canvas" aria-hidden="true" />
      <table id={props.id} class="figures">
        <thead>
          <tr>
            <td />
            {props.series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.categories.map((category, row) => (
            <tr key={category} data-category={category}>
              <th scope="row">{category}</th>
              {props.series.map((s) => (
                <td key={s.name}>{show(s.values[row])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
